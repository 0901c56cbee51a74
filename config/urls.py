from django.contrib.auth import views as auth_views
from django.urls import include, path

from openkam.api import api
from openkam.core import chart_bundle
from openkam.core import views as core_views
from openkam.users.forms import LoginForm

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("", core_views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="users/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("openkam.users.urls")),
    path("accounts/", include("openkam.accounts.urls")),
    path("accounts/<int:account_pk>/stakeholders/", include("openkam.stakeholders.urls")),
    path("accounts/<int:account_pk>/personality/", include("openkam.personality.urls")),
    path("accounts/<int:account_pk>/relationships/", include("openkam.relationships.urls")),
    path("accounts/<int:account_pk>/coverage/", include("openkam.coverage.urls")),
    path("accounts/<int:account_pk>/privacy/", include("openkam.privacy.urls")),
    path("accounts/<int:account_pk>/selling-center/", include("openkam.teams.urls")),
    path("accounts/<int:account_pk>/raci/", include("openkam.raci.urls")),
    path("accounts/<int:account_pk>/opportunities/", include("openkam.opportunities.urls")),
    path("pipeline/", include("openkam.opportunities.pipeline_urls")),
    path("buying-center-settings/", include("openkam.stakeholders.settings_urls")),
    path("accounts/<int:account_pk>/profile/", include("openkam.profiles.urls")),
    path("accounts/<int:account_pk>/competition/", include("openkam.competition.urls")),
    path("accounts/<int:account_pk>/business/", include("openkam.business.urls")),
    path("accounts/<int:account_pk>/plans/", include("openkam.plans.urls")),
    path("accounts/<int:account_pk>/plans/<int:plan_pk>/questions/", include("openkam.growth.urls")),
    path("tasks/", include("openkam.plans.task_urls")),
    path("question-bank/", include("openkam.growth.bank_urls")),
    path("customers/", include("openkam.sales.urls")),
    path("jobs/", include("openkam.core.urls")),
    path("charts/vega.js", chart_bundle.vega_bundle, name="vega-bundle"),
    path("imports/", include("openkam.imports.urls")),
    path("selection/", include("openkam.portfolio.urls")),
    path("designations/", include("openkam.designations.urls")),
    path("api/v1/", api.urls),
]

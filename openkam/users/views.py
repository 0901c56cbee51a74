from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openkam.core.forms import add_service_errors, submit_to_service
from openkam.core.http import safe_next

from . import services
from .forms import LanguageForm, TokenForm, UserCreateForm, UserUpdateForm
from .permissions import get_token_for_user, get_user_for_admin, require_admin
from .selectors import users_for_admin


@require_POST
def language(request):
    """Switch the language: stored on the profile when signed in, in a cookie for everyone."""
    form = LanguageForm(request.POST)
    response = redirect(safe_next(request, "/"))
    if form.is_valid():
        code = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.user_set_language(actor=request.user, language=code)
        translation.activate(code)
        response.set_cookie("django_language", code, samesite="Lax", max_age=365 * 24 * 3600)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The signed-in person's profile: language and personal API tokens."""
    token_form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and token_form.is_valid():
        try:
            _token, new_token = services.api_token_create(
                actor=request.user, name=token_form.cleaned_data["name"]
            )
        except ValidationError as exc:
            add_service_errors(token_form, exc)
        else:
            messages.success(request, _("Token created. Copy it now: it will not be shown again."))
            token_form = TokenForm()
    return render(
        request,
        "users/profile.html",
        {
            "token_form": token_form,
            "new_token": new_token,
            "tokens": request.user.api_tokens.all(),
            "active_nav": "profile",
        },
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_token_for_user(request.user, pk)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("users:profile")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "users/password_change.html"
    success_url = reverse_lazy("users:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


@login_required
def admin_list(request):
    require_admin(request.user)
    return render(request, "users/admin_list.html", {"users": users_for_admin(), "active_nav": "users"})


@login_required
@require_http_methods(["GET", "POST"])
def admin_create(request):
    require_admin(request.user)
    form = UserCreateForm(request.POST or None)
    if submit_to_service(request, form, services.user_create, success=_("User created.")):
        return redirect("users:admin-list")
    return render(request, "users/admin_form.html", {"form": form, "active_nav": "users", "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def admin_edit(request, pk):
    target = get_user_for_admin(request.user, pk)
    initial = {f: getattr(target, f) for f in UserUpdateForm.base_fields}
    form = UserUpdateForm(request.POST or None, initial=initial)
    if submit_to_service(request, form, services.user_update, user=target, success=_("User saved.")):
        return redirect("users:admin-list")
    return render(request, "users/admin_form.html", {"form": form, "target": target, "active_nav": "users"})

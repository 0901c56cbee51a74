from . import views  # noqa: F401

app_name = "coverage"
urlpatterns: list = []

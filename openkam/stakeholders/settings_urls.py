from . import views  # noqa: F401

app_name = "buying_center_settings"
urlpatterns: list = []

from . import views  # noqa: F401

app_name = "personality"
urlpatterns: list = []

from . import views  # noqa: F401

app_name = "relationships"
urlpatterns: list = []

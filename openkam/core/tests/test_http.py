from django.test import RequestFactory

from openkam.core.http import safe_next


def _post(next_url: str, *, secure: bool = False):
    return RequestFactory().post("/x/", {"next": next_url}, secure=secure)


def test_a_next_address_on_this_site_is_followed():
    assert safe_next(_post("/accounts/3/?tab=team")) == "/accounts/3/?tab=team"
    assert safe_next(RequestFactory().get("/x/", {"next": "/tasks/"})) == "/tasks/"


def test_a_next_address_elsewhere_falls_back_to_the_default():
    assert safe_next(_post("https://evil.example/")) == ""
    assert safe_next(_post("//evil.example/"), "/") == "/"
    assert safe_next(_post("http://testserver/accounts/", secure=True), "/") == "/"
    assert safe_next(RequestFactory().post("/x/"), "/home/") == "/home/"

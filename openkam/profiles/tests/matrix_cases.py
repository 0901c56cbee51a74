"""The profile, market and SWOT pages and operations in the permission matrices
(see openkam/testing/matrix.py).

Everyone who can see the account reads them; the owner and the core team change them; the
extended team and management get 403 on writes; other KAMs and administrators, who are not on
the team, get 404.
"""

from django.urls import reverse

from openkam.profiles.choices import FactKind, MarketKind, Quadrant
from openkam.testing.matrix import CORE_WRITES, READERS, Case, post_ok

from .factories import MarketEntryFactory, ProfileFactFactory, SwotItemFactory


def _url(name, make=None):
    def build(w, _user):
        args = [w.account.pk] + ([make(w).pk] if make else [])
        return reverse(name, args=args)

    return build


def _fact(w):
    return ProfileFactFactory(account=w.account, kind=FactKind.SITE, title="Werk Augsburg")


def _entry(w):
    return MarketEntryFactory(account=w.account, kind=MarketKind.TREND, title="Elektrifizierung")


def _item(w):
    SwotItemFactory(account=w.account, quadrant=Quadrant.STRENGTH, text="Kurze Lieferzeiten", position=1)
    return SwotItemFactory(account=w.account, quadrant=Quadrant.STRENGTH, text="Guter Service", position=2)


HTML_CASES = {
    "profiles:overview": Case(_url("profiles:overview"), READERS),
    "profiles:edit": Case(_url("profiles:edit"), CORE_WRITES),
    "profiles:fact-create": Case(_url("profiles:fact-create"), CORE_WRITES),
    "profiles:fact-edit": Case(_url("profiles:fact-edit", _fact), CORE_WRITES),
    "profiles:fact-delete": Case(_url("profiles:fact-delete", _fact), post_ok(CORE_WRITES), method="post"),
    "profiles:market-create": Case(_url("profiles:market-create"), CORE_WRITES),
    "profiles:market-edit": Case(_url("profiles:market-edit", _entry), CORE_WRITES),
    "profiles:market-delete": Case(
        _url("profiles:market-delete", _entry), post_ok(CORE_WRITES), method="post"
    ),
    "profiles:swot-create": Case(_url("profiles:swot-create"), CORE_WRITES),
    "profiles:swot-edit": Case(_url("profiles:swot-edit", _item), CORE_WRITES),
    "profiles:swot-move": Case(
        _url("profiles:swot-move", _item), post_ok(CORE_WRITES), method="post", data={"direction": "up"}
    ),
    "profiles:swot-delete": Case(_url("profiles:swot-delete", _item), post_ok(CORE_WRITES), method="post"),
}

_FACT = "/accounts/{account_id}/profile/facts/{profile_fact_id}"
_ENTRY = "/accounts/{account_id}/market/{market_entry_id}"
_ITEM = "/accounts/{account_id}/swot/{swot_item_id}"

API_OPERATIONS = {
    "account_profile_get": ("GET", "/accounts/{account_id}/profile"),
    "account_profile_update": ("PATCH", "/accounts/{account_id}/profile"),
    "account_profile_facts_list": ("GET", "/accounts/{account_id}/profile/facts"),
    "account_profile_fact_create": ("POST", "/accounts/{account_id}/profile/facts"),
    "account_profile_fact_get": ("GET", _FACT),
    "account_profile_fact_update": ("PATCH", _FACT),
    "account_profile_fact_delete": ("DELETE", _FACT),
    "market_entries_list": ("GET", "/accounts/{account_id}/market"),
    "market_entry_create": ("POST", "/accounts/{account_id}/market"),
    "market_entry_get": ("GET", _ENTRY),
    "market_entry_update": ("PATCH", _ENTRY),
    "market_entry_delete": ("DELETE", _ENTRY),
    "swot_items_list": ("GET", "/accounts/{account_id}/swot"),
    "swot_item_create": ("POST", "/accounts/{account_id}/swot"),
    "swot_item_get": ("GET", _ITEM),
    "swot_item_update": ("PATCH", _ITEM),
    "swot_item_delete": ("DELETE", _ITEM),
}


def api_expected_status(operation_id: str, persona: str) -> int:
    method = API_OPERATIONS[operation_id][0]
    status = (READERS if method == "GET" else CORE_WRITES)[persona]
    if status != 200:
        return status
    return {"POST": 201, "DELETE": 204}.get(method, 200)


def api_sample_body(operation_id: str, world) -> dict | None:
    return {
        "account_profile_update": {
            "employees": 4200,
            "size_year": 2025,
            "size_source": "Geschäftsbericht 2025",
        },
        "account_profile_fact_create": {
            "kind": "site",
            "title": "Werk Chemnitz",
            "source": "Website des Kunden",
            "as_of": "2026-01-15",
        },
        "account_profile_fact_update": {"title": "Werk Chemnitz (Montage)"},
        "market_entry_create": {
            "kind": "driver",
            "title": "Fachkräftemangel",
            "source": "Interview Werkleiter",
        },
        "market_entry_update": {"details": "Mehr Automatisierung in der Montage"},
        "swot_item_create": {"quadrant": "threat", "text": "Wettbewerber mit Rahmenvertrag"},
        "swot_item_update": {"position": 1},
    }.get(operation_id)


def api_path_ids(world) -> dict:
    return {
        "profile_fact_id": _fact(world).pk,
        "market_entry_id": _entry(world).pk,
        "swot_item_id": _item(world).pk,
    }

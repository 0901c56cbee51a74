"""The requirements-and-competitors section in the permission matrices (see openkam/testing/matrix.py).

Everyone who may see the account reads (owner, team, management); the owner and the core team
change; the extended team and management get 403 on writes; the other KAM and administrators
who are not on the team get 404.
"""

from decimal import Decimal

from django.urls import reverse

from openkam.testing.matrix import CORE_WRITES, READERS, Case, post_ok

from .factories import CompetitorFactory, RequirementFactory, WalletEstimateFactory


def _requirement(world):
    return RequirementFactory(
        account=world.account, importance=5, our_performance=2, competitor_performance=4
    )


def _competitor(world):
    # The world's account made 1,250,000 € in 2025; with the wallet below our share is 31.25 %.
    return CompetitorFactory(
        account=world.account, name="Brunnhuber Getriebewerke AG", share_of_wallet=Decimal("30")
    )


def _wallet(world):
    return WalletEstimateFactory(account=world.account, fiscal_year=2025, amount=Decimal("4000000"))


def _acc(name, make=None):
    def build(world, user):
        args = [world.account.pk] + ([make(world).pk] if make else [])
        return reverse(name, args=args)

    return build


HTML_CASES = {
    "competition:overview": Case(_acc("competition:overview"), READERS),
    "competition:chart": Case(lambda w, u: reverse("competition:chart", args=[w.account.pk, "svg"]), READERS),
    "competition:requirement-create": Case(_acc("competition:requirement-create"), CORE_WRITES),
    "competition:requirement-edit": Case(_acc("competition:requirement-edit", _requirement), CORE_WRITES),
    "competition:requirement-delete": Case(
        _acc("competition:requirement-delete", _requirement), post_ok(CORE_WRITES), method="post"
    ),
    "competition:competitor-create": Case(_acc("competition:competitor-create"), CORE_WRITES),
    "competition:competitor-edit": Case(_acc("competition:competitor-edit", _competitor), CORE_WRITES),
    "competition:competitor-delete": Case(
        _acc("competition:competitor-delete", _competitor), post_ok(CORE_WRITES), method="post"
    ),
    "competition:wallet-create": Case(_acc("competition:wallet-create"), CORE_WRITES),
    "competition:wallet-edit": Case(_acc("competition:wallet-edit", _wallet), CORE_WRITES),
    "competition:wallet-delete": Case(
        _acc("competition:wallet-delete", _wallet), post_ok(CORE_WRITES), method="post"
    ),
}

_ACCOUNT = "/accounts/{account_id}"
API_OPERATIONS = {
    "requirements_list": ("GET", f"{_ACCOUNT}/requirements"),
    "requirement_create": ("POST", f"{_ACCOUNT}/requirements"),
    "requirement_get": ("GET", f"{_ACCOUNT}/requirements/{{requirement_id}}"),
    "requirement_update": ("PATCH", f"{_ACCOUNT}/requirements/{{requirement_id}}"),
    "requirement_delete": ("DELETE", f"{_ACCOUNT}/requirements/{{requirement_id}}"),
    "competitors_list": ("GET", f"{_ACCOUNT}/competitors"),
    "competitor_create": ("POST", f"{_ACCOUNT}/competitors"),
    "competitor_get": ("GET", f"{_ACCOUNT}/competitors/{{competitor_id}}"),
    "competitor_update": ("PATCH", f"{_ACCOUNT}/competitors/{{competitor_id}}"),
    "competitor_delete": ("DELETE", f"{_ACCOUNT}/competitors/{{competitor_id}}"),
    "wallets_list": ("GET", f"{_ACCOUNT}/wallets"),
    "wallet_create": ("POST", f"{_ACCOUNT}/wallets"),
    "wallet_get": ("GET", f"{_ACCOUNT}/wallets/{{wallet_id}}"),
    "wallet_update": ("PATCH", f"{_ACCOUNT}/wallets/{{wallet_id}}"),
    "wallet_delete": ("DELETE", f"{_ACCOUNT}/wallets/{{wallet_id}}"),
    "competition_shares": ("GET", f"{_ACCOUNT}/shares"),
}


def api_expected_status(operation_id: str, persona: str) -> int:
    method = API_OPERATIONS[operation_id][0]
    status = (READERS if method == "GET" else CORE_WRITES)[persona]
    if status != 200:
        return status
    return {"POST": 201, "DELETE": 204}.get(method, 200)


def api_sample_body(operation_id: str, world) -> dict | None:
    return {
        "requirement_create": {
            "text": "Ersatzteile innerhalb von 24 Stunden",
            "importance": 5,
            "our_performance": 3,
            "competitor_performance": 4,
        },
        "requirement_update": {"our_performance": 4},
        "competitor_create": {"name": "Kettwig Elektromotoren GmbH", "share_of_wallet": "20.0"},
        "competitor_update": {"share_of_wallet": "35.0", "trend": "growing"},
        "wallet_create": {"fiscal_year": 2024, "amount": "3800000.00"},
        "wallet_update": {"amount": "4200000.00"},
    }.get(operation_id)


def api_path_ids(world) -> dict:
    return {
        "requirement_id": _requirement(world).pk,
        "competitor_id": _competitor(world).pk,
        "wallet_id": _wallet(world).pk,
    }

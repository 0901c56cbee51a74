"""The profile pages: the overview for every reader, the forms for the team, locking in the forms."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openkam.core.models import AuditEntry
from openkam.profiles.choices import FactKind, MarketKind, Quadrant
from openkam.profiles.models import AccountProfile, MarketEntry, ProfileFact, SwotItem
from openkam.testing.factories import CustomerFactory

from .factories import (
    AccountProfileFactory,
    HurdleFactory,
    MarketEntryFactory,
    ProfileFactFactory,
    SwotItemFactory,
    days_ago,
)

pytestmark = pytest.mark.django_db


def _overview(world):
    return reverse("profiles:overview", args=[world.account.pk])


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _section(html: str, section_id: str) -> str:
    match = re.search(rf'<section class="[^"]*" id="{section_id}".*?</section>', html, re.S)
    assert match, section_id
    return match.group(0)


def _fill_account(world, n: int) -> None:
    for i in range(n):
        ProfileFactFactory(account=world.account, kind=FactKind.SITE, title=f"Werk {i}")
        ProfileFactFactory(account=world.account, kind=FactKind.KEY_FACT, as_of=None)
        MarketEntryFactory(account=world.account, kind=MarketKind.COMPETITOR)
        HurdleFactory(account=world.account)
        SwotItemFactory(account=world.account, quadrant=Quadrant.OPPORTUNITY)


# The overview -------------------------------------------------------------------------------------


def test_readers_see_profile_market_and_swot_without_edit_buttons(client, world):
    parent = CustomerFactory(name="Alpha Holding", legal_form="SE")
    world.account.customer.parent = parent
    world.account.customer.save()
    CustomerFactory(name="Alpha Service GmbH", parent=world.account.customer)
    AccountProfileFactory(account=world.account, employees=1800, size_year=2025, size_source="Creditreform")
    ProfileFactFactory(account=world.account, kind=FactKind.SITE, title="Werk Regensburg")
    HurdleFactory(account=world.account, title="Genehmigung des Neubaus", how_we_help="Planungshilfe")
    SwotItemFactory(account=world.account, quadrant=Quadrant.THREAT, text="Neuer Wettbewerber aus Italien")
    client.force_login(world.extended)

    html = _html(client.get(_overview(world)))

    assert "Alpha Holding SE" in html
    assert "Alpha Service GmbH" in html
    assert "1,800" in html  # English number format of the extended member
    assert "Werk Regensburg" in html
    assert "Genehmigung des Neubaus" in html and "Planungshilfe" in html
    assert "Neuer Wettbewerber aus Italien" in _section(html, "swot-threat")
    assert reverse("profiles:edit", args=[world.account.pk]) not in html
    assert "/facts/new/" not in html and "/swot/new/" not in html and "direction" not in html
    assert 'aria-current="page">Profile & market</a>' in html


def test_the_team_gets_add_and_edit_buttons(client, world):
    fact = ProfileFactFactory(account=world.account, kind=FactKind.COUNTRY, title="Polen")
    client.force_login(world.teammate)

    html = _html(client.get(_overview(world)))

    assert reverse("profiles:edit", args=[world.account.pk]) in html
    assert reverse("profiles:fact-edit", args=[world.account.pk, fact.pk]) in html
    assert reverse("profiles:fact-create", args=[world.account.pk]) + "?kind=country" in html
    assert reverse("profiles:swot-create", args=[world.account.pk]) + "?quadrant=threat" in html


def test_the_legal_entity_comes_from_the_customer_master_until_the_team_records_one(client, world):
    client.force_login(world.owner)
    html = _html(client.get(_overview(world)))
    assert "Alpha Maschinenbau" in _section(html, "profile")
    assert "From the customer master." in html

    AccountProfileFactory(
        account=world.account, legal_name="Alpha Maschinenbau Holding", entity_source="Handelsregister"
    )
    html = _html(client.get(_overview(world)))
    assert "Alpha Maschinenbau Holding" in html
    assert "Handelsregister" in html


def test_stale_and_undated_facts_are_flagged_and_counted(client, world):
    ProfileFactFactory(account=world.account, title="Fresh", as_of=days_ago(5))
    ProfileFactFactory(account=world.account, title="Old", as_of=days_ago(500))
    MarketEntryFactory(account=world.account, title="Undated", as_of=None)
    client.force_login(world.owner)

    html = _html(client.get(_overview(world)))

    assert "2 facts are older than 12 months or have no date." in html
    flags = re.findall(r"<strong>(\w+)</strong>.*?(?:data-stale>([\w ]+)<|</li>)", html, re.S)
    assert ("Fresh", "") in flags
    assert ("Old", "Stale") in flags
    assert ("Undated", "No date") in flags


def test_without_stale_facts_there_is_no_warning(client, world):
    ProfileFactFactory(account=world.account, as_of=days_ago(5))
    client.force_login(world.owner)
    assert "older than" not in _html(client.get(_overview(world)))


def test_the_overview_needs_the_same_queries_for_few_and_many_entries(client, world):
    client.force_login(world.teammate)
    _fill_account(world, 1)
    _html(client.get(_overview(world)))  # the first request of a session loads more than the page
    with CaptureQueriesContext(connection) as few:
        _html(client.get(_overview(world)))
    _fill_account(world, 6)
    with CaptureQueriesContext(connection) as many:
        _html(client.get(_overview(world)))

    assert len(many.captured_queries) == len(few.captured_queries)
    # Session, user, account, profile, subsidiaries, entries (+ their hurdles), market, SWOT.
    assert len(few.captured_queries) == 9


# The forms ----------------------------------------------------------------------------------------


def test_the_profile_form_shows_the_customer_master_and_saves_a_section_with_its_source(client, world):
    client.force_login(world.owner)
    url = reverse("profiles:edit", args=[world.account.pk])
    assert 'placeholder="Alpha Maschinenbau"' in _html(client.get(url))

    response = client.post(
        url,
        {
            "version": "1",
            "turnover": "2,400,000,000",
            "employees": "9500",
            "size_year": "2025",
            "size_source": "Geschäftsbericht 2025",
            "size_as_of": days_ago(40).isoformat(),
        },
    )

    assert response.status_code == 302
    assert response.url == _overview(world) + "#profile"
    profile = AccountProfile.objects.get(account=world.account)
    assert (profile.turnover, profile.employees, profile.legal_name) == (Decimal("2400000000"), 9500, "")


def test_a_section_without_a_source_is_shown_as_an_error_on_its_field(client, world):
    client.force_login(world.owner)
    response = client.post(
        reverse("profiles:edit", args=[world.account.pk]), {"version": "1", "strategy": "Wachstum in Asien"}
    )

    html = _html(response)
    assert re.search(r'id="id_strategy_source".*?Say where this information comes from', html, re.S)
    assert not AccountProfile.objects.filter(strategy__contains="Asien").exists()


def test_the_second_of_two_profile_edits_sees_the_first_and_can_save_on_top(client, world):
    AccountProfileFactory(account=world.account, strategy="Alt", strategy_source="Website")
    url = reverse("profiles:edit", args=[world.account.pk])
    client.force_login(world.owner)
    first = {"version": "1", "strategy": "Wachstum in Nordamerika", "strategy_source": "Website"}
    assert client.post(url, first).status_code == 302

    client.force_login(world.teammate)
    second = {"version": "1", "strategy": "Konzentration auf Service", "strategy_source": "Website"}
    html = _html(client.post(url, second))

    assert "Someone else saved this in the meantime." in html
    assert "Saved meanwhile: <strong>Wachstum in Nordamerika</strong>" in html
    assert 'name="version" value="2"' in html
    assert AccountProfile.objects.get(account=world.account).strategy == "Wachstum in Nordamerika"
    merged = second | {"version": "2", "strategy": "Wachstum in Nordamerika, getragen vom Service"}
    assert client.post(url, merged).status_code == 302
    profile = AccountProfile.objects.get(account=world.account)
    assert (profile.strategy, profile.version) == ("Wachstum in Nordamerika, getragen vom Service", 3)
    assert AuditEntry.objects.filter(action="profiles.profile.update").count() == 2


def test_a_fact_is_added_with_the_kind_of_its_list_and_lands_in_that_section(client, world):
    client.force_login(world.owner)
    url = reverse("profiles:fact-create", args=[world.account.pk])
    html = _html(client.get(url + "?kind=strategic_initiative"))
    assert '<option value="strategic_initiative" selected>' in html

    response = client.post(
        url,
        {
            "kind": "strategic_initiative",
            "title": "Neues Werk in Mexiko",
            "details": "",
            "source": "Pressemitteilung",
            "as_of": days_ago(2).isoformat(),
        },
    )

    assert response.status_code == 302
    assert response.url.endswith("#strategy")
    assert "Neues Werk in Mexiko" in _section(_html(client.get(_overview(world))), "strategy")


def test_two_edits_of_a_swot_item_from_the_same_version_conflict(client, world):
    item = SwotItemFactory(account=world.account, text="Schnelle Ersatzteile", position=1)
    url = reverse("profiles:swot-edit", args=[world.account.pk, item.pk])
    client.force_login(world.owner)
    assert 'name="version" value="1"' in _html(client.get(url))
    assert (
        client.post(url, {"version": "1", "quadrant": "strength", "text": "Ersatzteile in 24 h"}).status_code
        == 302
    )

    html = _html(client.post(url, {"version": "1", "quadrant": "strength", "text": "Ersatzteile ab Lager"}))

    assert "Saved meanwhile: <strong>Ersatzteile in 24 h</strong>" in html
    assert SwotItem.objects.get(pk=item.pk).text == "Ersatzteile in 24 h"
    assert (
        client.post(url, {"version": "2", "quadrant": "strength", "text": "Ersatzteile ab Lager"}).status_code
        == 302
    )
    assert SwotItem.objects.get(pk=item.pk).text == "Ersatzteile ab Lager"


def test_the_hurdle_form_offers_only_this_accounts_initiatives(client, world):
    mine = ProfileFactFactory(account=world.account, kind=FactKind.STRATEGIC_INITIATIVE, title="Werk Texas")
    ProfileFactFactory(account=world.other_account, kind=FactKind.STRATEGIC_INITIATIVE, title="Fremd")
    ProfileFactFactory(account=world.account, kind=FactKind.KEY_FACT, title="Kein Vorhaben")
    client.force_login(world.owner)
    url = reverse("profiles:market-create", args=[world.account.pk])

    html = _html(client.get(url + "?kind=hurdle"))
    assert "Werk Texas" in html and "Fremd" not in html and "Kein Vorhaben" not in html

    response = client.post(
        url,
        {
            "kind": "hurdle",
            "title": "Lange Genehmigungen",
            "initiative": str(mine.pk),
            "how_we_help": "UL-zertifizierte Antriebe ab Lager",
            "source": "Gespräch mit dem Werkleiter",
            "as_of": "",
        },
    )
    assert response.status_code == 302
    assert MarketEntry.objects.get(title="Lange Genehmigungen").initiative == mine


def test_an_initiative_with_hurdles_is_not_removed_and_the_page_says_why(client, world):
    hurdle = HurdleFactory(account=world.account)
    client.force_login(world.owner)

    response = client.post(
        reverse("profiles:fact-delete", args=[world.account.pk, hurdle.initiative_id]), follow=True
    )

    assert "Link them to another initiative or remove them first." in _html(response)
    assert ProfileFact.objects.filter(pk=hurdle.initiative_id).exists()


def test_swot_items_move_up_and_down_from_the_overview(client, world):
    first = SwotItemFactory(account=world.account, text="A", position=1)
    second = SwotItemFactory(account=world.account, text="B", position=2)
    client.force_login(world.teammate)
    html = _html(client.get(_overview(world)))
    strengths = _section(html, "swot-strength")
    assert strengths.count('value="up"') == 1 and strengths.count('value="down"') == 1

    response = client.post(
        reverse("profiles:swot-move", args=[world.account.pk, second.pk]), {"direction": "up"}
    )

    assert response.status_code == 302 and response.url.endswith("#swot")
    assert list(SwotItem.objects.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]
    bad = client.post(
        reverse("profiles:swot-move", args=[world.account.pk, second.pk]), {"direction": "left"}
    )
    assert bad.status_code == 400


def test_deleting_entries_is_audited_on_the_account(client, world):
    fact = ProfileFactFactory(account=world.account)
    entry = MarketEntryFactory(account=world.account)
    item = SwotItemFactory(account=world.account)
    client.force_login(world.owner)

    for name, obj in (("fact-delete", fact), ("market-delete", entry), ("swot-delete", item)):
        assert client.post(reverse(f"profiles:{name}", args=[world.account.pk, obj.pk])).status_code == 302

    assert not (ProfileFact.objects.exists() or MarketEntry.objects.exists() or SwotItem.objects.exists())
    assert set(AuditEntry.objects.filter(account_id=world.account.pk).values_list("action", flat=True)) == {
        "profiles.fact.delete",
        "profiles.market.delete",
        "profiles.swot.delete",
    }


def test_entries_are_only_reachable_through_their_own_account(client, world):
    foreign_fact = ProfileFactFactory(account=world.other_account)
    foreign_item = SwotItemFactory(account=world.other_account)
    client.force_login(world.owner)

    assert (
        client.get(reverse("profiles:fact-edit", args=[world.account.pk, foreign_fact.pk])).status_code == 404
    )
    assert (
        client.post(reverse("profiles:swot-delete", args=[world.account.pk, foreign_item.pk])).status_code
        == 404
    )
    assert SwotItem.objects.filter(pk=foreign_item.pk).exists()


def test_a_form_with_an_unknown_field_is_refused(client, world):
    client.force_login(world.owner)
    response = client.post(
        reverse("profiles:swot-create", args=[world.account.pk]),
        {"quadrant": "strength", "text": "Gute Beziehung", "prio": "1"},
    )
    assert "Unknown field(s): prio" in _html(response)
    assert not SwotItem.objects.exists()

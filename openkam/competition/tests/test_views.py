"""The pages of the requirements-and-competitors section: overview, forms, conflicts, chart download."""

import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openkam.competition.choices import CompetitorKind
from openkam.competition.models import Competitor, Requirement, WalletEstimate
from openkam.core.models import AuditEntry

from .factories import CompetitorFactory, RequirementFactory, WalletEstimateFactory

pytestmark = pytest.mark.django_db
D = Decimal


def _url(name, world, *args):
    return reverse(f"competition:{name}", args=[world.account.pk, *args])


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def filled(world):
    """A wallet (our share 31.25 %), two competitors, a partner and three requirements."""
    WalletEstimateFactory(account=world.account, fiscal_year=2025, amount=D("4000000"))
    hallberg = CompetitorFactory(
        account=world.account, name="Hallberg Antriebstechnik GmbH", share_of_wallet=D("40")
    )
    kettwig = CompetitorFactory(
        account=world.account, name="Kettwig Elektromotoren GmbH", share_of_wallet=D("10")
    )
    CompetitorFactory(
        account=world.account, name="Fehrmann Schaltanlagenbau GmbH", kind=CompetitorKind.PARTNER
    )
    RequirementFactory(
        account=world.account, text="Liefertreue", importance=5, our_performance=2, competitor_performance=4
    )
    RequirementFactory(
        account=world.account,
        text="Beratung",
        importance=4,
        our_performance=5,
        competitor=kettwig,
        competitor_performance=3,
    )
    RequirementFactory(account=world.account, text="CAD-Daten", importance=2, our_performance=5)
    return hallberg


def test_the_overview_shows_requirements_grid_competitors_and_shares(client, world, filled):
    client.force_login(world.owner)

    html = _html(client.get(_url("overview", world)))

    # The shares and their explanation.
    assert re.search(r'id="our-share">31.3 %<', html)
    assert re.search(r'id="relative-share">0.78<', html)
    assert "We sell 0.78 times as much as Hallberg Antriebstechnik GmbH" in html
    assert "The largest competitor leads here." in html
    # The requirements, most important first, each compared with its competitor, with the gap.
    rows = re.findall(r'<tr data-requirement="\d+">(.*?)</tr>', html, re.S)
    assert [re.search(r"<td><a [^>]*>([^<]+)</a>", row).group(1) for row in rows] == [
        "Liefertreue",
        "Beratung",
        "CAD-Daten",
    ]
    assert 'Hallberg Antriebstechnik GmbH <span class="small">(main competitor)</span>' in rows[0]
    assert 'class="gap-behind">-2<' in rows[0] and 'class="gap-ahead">+2<' in rows[1]
    assert "Concentrate here" in rows[0] and "Possible overkill" in rows[2]
    # The chart spec for charts.js, with one point per requirement.
    spec = json.loads(
        re.search(r'<script id="ipa-spec" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    labels = [row["label"] for data in spec["datasets"].values() for row in data if "label" in row]
    assert sorted(set(labels)) == ["1", "2", "3"]
    assert 'data-chart-spec-id="ipa-spec"' in html
    assert _url("chart", world, "png") in html
    # Competitors and partners, and the buttons of someone who may edit.
    assert re.search(r'id="competitor-table".*Hallberg.*Kettwig', html, re.S)
    assert re.search(r'id="partner-table".*Fehrmann', html, re.S)
    assert _url("requirement-create", world) in html and _url("wallet-create", world) in html
    assert 'aria-current="page">Requirements & competitors<' in html


@pytest.mark.parametrize("persona", ["extended", "manager"])
def test_readers_see_everything_but_no_buttons(client, world, filled, persona):
    client.force_login(world.persona(persona))

    html = _html(client.get(_url("overview", world)))

    assert "Liefertreue" in html and "Hallberg" in html
    assert "/new/" not in html and "/competition/requirements/" not in html


def test_the_page_explains_why_the_relative_market_share_is_missing(client, world):
    CompetitorFactory(account=world.account, share_of_wallet=D("40"))
    client.force_login(world.owner)

    html = _html(client.get(_url("overview", world)))

    assert 'id="relative-share-missing"' in html
    assert "No wallet estimate yet" in html
    assert "No requirements recorded yet." in html


def test_german_users_read_german_numbers(client, world, filled):
    world.owner.language = "de"
    world.owner.save()
    client.force_login(world.owner)

    html = _html(client.get(_url("overview", world)))

    assert re.search(r'id="our-share">31,3 %<', html)
    assert re.search(r'id="relative-share">0,78<', html)
    assert "4.000.000\xa0€" in html


def test_the_overview_needs_the_same_queries_for_more_rows(client, world, filled):
    client.force_login(world.owner)
    client.get(_url("overview", world))  # the first request after signing in also saves the session
    with CaptureQueriesContext(connection) as few:
        client.get(_url("overview", world))
    for n in range(4):
        competitor = CompetitorFactory(account=world.account, name=f"Weitere {n}", share_of_wallet=D("1"))
        RequirementFactory(account=world.account, competitor=competitor, competitor_performance=2)
        WalletEstimateFactory(account=world.account, fiscal_year=2020 + n)

    with CaptureQueriesContext(connection) as many:
        response = client.get(_url("overview", world))

    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries) <= 12


# Forms ------------------------------------------------------------------------------------------


def test_a_kam_adds_a_requirement_with_a_named_competitor(client, world, filled):
    kettwig = Competitor.objects.get(name__startswith="Kettwig")
    client.force_login(world.owner)
    form = _html(client.get(_url("requirement-create", world)))
    assert "Fehrmann" not in form  # partners are no comparison

    response = client.post(
        _url("requirement-create", world),
        {
            "text": "Ersatzteile in 24 Stunden",
            "importance": "5",
            "our_performance": "3",
            "competitor": str(kettwig.pk),
            "competitor_performance": "4",
            "notes": "",
            "source": "Gespräch mit der Instandhaltung",
        },
    )

    assert response.status_code == 302
    assert response.url == _url("overview", world) + "#requirements-h"
    requirement = Requirement.objects.get(text="Ersatzteile in 24 Stunden")
    assert (requirement.competitor, requirement.competitor_performance) == (kettwig, 4)
    assert AuditEntry.objects.filter(action="competition.requirement.create", actor=world.owner).exists()


def test_ratings_off_the_scale_are_refused_by_the_server(client, world):
    client.force_login(world.teammate)

    html = _html(
        client.post(
            _url("requirement-create", world),
            {
                "text": "Preisstabilität",
                "importance": "6",
                "our_performance": "0",
                "competitor_performance": "",
            },
        )
    )

    assert html.count('class="errorlist"') >= 2
    assert not Requirement.objects.exists()


def test_an_unknown_field_is_refused(client, world):
    client.force_login(world.owner)

    html = _html(
        client.post(
            _url("wallet-create", world), {"fiscal_year": "2024", "amount": "1000000", "ammount": "1"}
        )
    )

    assert "Unknown field(s): ammount" in html
    assert not WalletEstimate.objects.exists()


def test_too_high_shares_are_explained_on_the_form(client, world, filled):
    client.force_login(world.owner)

    html = _html(
        client.post(
            _url("competitor-create", world),
            {"name": "Vellmar Drives SE", "kind": "competitor", "share_of_wallet": "25.5"},
        )
    )

    assert "would add up to 106.8 %: our own 31.3 %" in html
    assert not Competitor.objects.filter(name="Vellmar Drives SE").exists()


def test_a_german_user_enters_the_wallet_in_german_notation(client, world):
    world.owner.language = "de"
    world.owner.save()
    client.force_login(world.owner)

    response = client.post(
        _url("wallet-create", world),
        {"fiscal_year": "2025", "amount": "2.500.000,00", "notes": "Jahresgespräch"},
    )

    assert response.status_code == 302
    assert WalletEstimate.objects.get().amount == D("2500000.00")


def test_the_second_editor_sees_what_was_saved_meanwhile_and_saves_on_top(client, world, filled):
    hallberg = filled
    url = _url("competitor-edit", world, hallberg.pk)
    client.force_login(world.owner)
    form = _html(client.get(url))
    assert 'name="version" value="1"' in form
    mine = {
        "version": "1",
        "name": hallberg.name,
        "kind": "competitor",
        "supplies": hallberg.supplies,
        "share_of_wallet": "40.0",
        "strengths": hallberg.strengths,
        "threats": "Droht mit Kampfpreisen",
        "trend": "growing",
        "forecast": "",
    }
    teammate = client.__class__()
    teammate.force_login(world.teammate)
    theirs = mine | {"share_of_wallet": "45.0", "threats": hallberg.threats, "trend": "stable"}
    assert teammate.post(url, theirs).status_code == 302

    html = _html(client.post(url, mine))

    assert "Someone else saved this in the meantime." in html
    assert re.search(r"Saved meanwhile: <strong>45[.,]0</strong>", html)
    assert 'name="version" value="2"' in html
    assert Competitor.objects.get(pk=hallberg.pk).threats == hallberg.threats  # nothing of mine saved yet

    response = client.post(url, mine | {"version": "2", "share_of_wallet": "45.0"})

    assert response.status_code == 302
    hallberg.refresh_from_db()
    assert (hallberg.share_of_wallet, hallberg.threats, hallberg.trend, hallberg.version) == (
        D("45.0"),
        "Droht mit Kampfpreisen",
        "growing",
        3,
    )


def test_removing_a_requirement(client, world, filled):
    requirement = Requirement.objects.get(text="CAD-Daten")
    client.force_login(world.teammate)

    response = client.post(_url("requirement-delete", world, requirement.pk))

    assert response.status_code == 302
    assert not Requirement.objects.filter(pk=requirement.pk).exists()
    assert AuditEntry.objects.get(action="competition.requirement.delete").target_repr == "CAD-Daten"


def test_objects_of_another_account_are_not_found_through_this_one(client, world):
    foreign = RequirementFactory(account=world.other_account)
    client.force_login(world.owner)

    assert client.get(_url("requirement-edit", world, foreign.pk)).status_code == 404
    assert client.post(_url("requirement-delete", world, foreign.pk)).status_code == 404
    assert Requirement.objects.filter(pk=foreign.pk).exists()


# Chart download ---------------------------------------------------------------------------------


def test_the_grid_downloads_as_png_and_svg(client, world, filled):
    client.force_login(world.extended)

    png = client.get(_url("chart", world, "png"))
    svg = client.get(_url("chart", world, "svg"))

    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert (
        f'filename="importance-performance-{world.account.customer.number}.png"' in png["Content-Disposition"]
    )
    assert svg["Content-Type"] == "image/svg+xml" and b"Concentrate here" in svg.content
    assert client.get(_url("chart", world, "pdf")).status_code == 404

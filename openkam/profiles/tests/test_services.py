"""The services of the profiles app: permissions, validation, audit entries, locking, order."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from openkam.core.locking import EditConflict
from openkam.core.models import AuditEntry
from openkam.profiles import services
from openkam.profiles.choices import FactKind, MarketKind, Quadrant
from openkam.profiles.models import AccountProfile, MarketEntry, ProfileFact, SwotItem
from openkam.profiles.selectors import profile_summary, stale_cutoff, stale_fact_count, swot_items_for_account

from .factories import (
    AccountProfileFactory,
    HurdleFactory,
    MarketEntryFactory,
    ProfileFactFactory,
    SwotItemFactory,
    days_ago,
)

pytestmark = pytest.mark.django_db


def _texts(account, quadrant=Quadrant.STRENGTH) -> list[tuple[str, int]]:
    return list(swot_items_for_account(account, quadrant).values_list("text", "position"))


# The profile --------------------------------------------------------------------------------------


def test_the_first_save_creates_the_profile_and_the_timeline_records_it(world):
    as_of = days_ago(20)

    profile = services.profile_update(
        actor=world.owner,
        account=world.account,
        version=1,
        turnover=Decimal("850000000.00"),
        employees=3200,
        size_year=2025,
        size_source="Geschäftsbericht 2025",
        size_as_of=as_of,
    )

    stored = AccountProfile.objects.get(account=world.account)
    assert stored.pk == profile.pk
    assert (stored.turnover, stored.employees, stored.size_year, stored.version) == (
        Decimal("850000000.00"),
        3200,
        2025,
        2,
    )
    entry = AuditEntry.objects.get(action="profiles.profile.update")
    assert entry.account_id == world.account.pk
    assert entry.actor == world.owner
    assert entry.target_repr == "Alpha Maschinenbau"
    assert entry.changes["employees"] == [None, 3200]
    assert entry.changes["size_source"] == ["", "Geschäftsbericht 2025"]
    assert entry.changes["size_as_of"] == [None, as_of.isoformat()]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"employees": 120}, "size_source"),
        ({"strategy": "Ausbau des Servicegeschäfts"}, "strategy_source"),
        ({"legal_form": "SE"}, "entity_source"),
        (
            {"strategy": "x", "strategy_source": "Website", "strategy_as_of": date(2999, 1, 1)},
            "strategy_as_of",
        ),
        ({"size_year": 2999, "size_source": "Website"}, "size_year"),
        ({"turnover": Decimal("-1"), "size_source": "Website"}, "turnover"),
    ],
)
def test_an_invalid_profile_is_refused_and_nothing_is_saved(world, values, field):
    with pytest.raises(ValidationError) as caught:
        services.profile_update(actor=world.owner, account=world.account, version=1, **values)

    assert field in caught.value.message_dict
    assert not AccountProfile.objects.exists()
    assert not AuditEntry.objects.exists()


def test_saving_the_same_values_again_changes_nothing_and_is_not_logged(world):
    profile = AccountProfileFactory(account=world.account)

    services.profile_update(
        actor=world.owner, account=world.account, version=profile.version, strategy=profile.strategy
    )

    assert AccountProfile.objects.get(pk=profile.pk).version == profile.version
    assert not AuditEntry.objects.exists()


def test_two_edits_of_the_profile_from_the_same_version_do_not_overwrite_each_other(world):
    profile = AccountProfileFactory(account=world.account, strategy="Alt", strategy_source="Website")
    services.profile_update(actor=world.owner, account=world.account, version=1, strategy="Fokus Asien")

    with pytest.raises(EditConflict) as caught:
        services.profile_update(
            actor=world.teammate, account=world.account, version=1, strategy="Fokus Service", employees=900
        )

    assert caught.value.theirs == {"strategy": "Fokus Asien", "employees": None}
    assert caught.value.current.version == 2
    profile.refresh_from_db()
    assert (profile.strategy, profile.employees) == ("Fokus Asien", None)
    # Merged: saved again on top of the version the conflict showed.
    services.profile_update(
        actor=world.teammate,
        account=world.account,
        version=2,
        strategy="Fokus Asien und Service",
        employees=900,
        size_source="Interview Einkauf",
    )
    profile.refresh_from_db()
    assert (profile.strategy, profile.employees, profile.version) == ("Fokus Asien und Service", 900, 3)


@pytest.mark.parametrize("persona", ["extended", "manager", "other_kam", "admin"])
def test_only_the_owner_and_the_core_team_change_profile_market_and_swot(world, persona):
    actor = world.persona(persona)
    fact = ProfileFactFactory(account=world.account)
    entry = MarketEntryFactory(account=world.account)
    item = SwotItemFactory(account=world.account)
    calls = [
        lambda: services.profile_update(actor=actor, account=world.account, version=None, strategy="x"),
        lambda: services.fact_create(actor=actor, account=world.account, kind="site", title="x", source="y"),
        lambda: services.fact_update(actor=actor, fact=fact, version=None, title="x"),
        lambda: services.fact_delete(actor=actor, fact=fact),
        lambda: services.market_entry_create(
            actor=actor, account=world.account, kind="trend", title="x", source="y"
        ),
        lambda: services.market_entry_update(actor=actor, entry=entry, version=None, title="x"),
        lambda: services.market_entry_delete(actor=actor, entry=entry),
        lambda: services.swot_item_create(actor=actor, account=world.account, quadrant="threat", text="x"),
        lambda: services.swot_item_update(actor=actor, item=item, version=None, text="x"),
        lambda: services.swot_item_move(actor=actor, item=item, direction="down"),
        lambda: services.swot_item_delete(actor=actor, item=item),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert not AuditEntry.objects.exists()
    assert ProfileFact.objects.count() == MarketEntry.objects.count() == SwotItem.objects.count() == 1


def test_a_core_teammate_edits_and_the_system_may_too(world):
    services.fact_create(
        actor=world.teammate, account=world.account, kind="site", title="Werk A", source="Web"
    )
    services.fact_create(actor=None, account=world.account, kind="site", title="Werk B", source="Web")

    assert list(AuditEntry.objects.order_by("pk").values_list("actor_name", flat=True)) == ["Tom Teich", ""]


# Profile entries ----------------------------------------------------------------------------------


def test_a_fact_is_added_with_source_and_date_and_the_timeline_names_it(client, world):
    fact = services.fact_create(
        actor=world.owner,
        account=world.account,
        kind=FactKind.SITE,
        title="  Werk Zwickau ",
        source=" Website des Kunden ",
        as_of=days_ago(3),
    )

    assert (fact.title, fact.source, fact.version) == ("Werk Zwickau", "Website des Kunden", 1)
    entry = AuditEntry.objects.get(action="profiles.fact.create")
    assert entry.changes == {
        "kind": "site",
        "title": "Werk Zwickau",
        "source": "Website des Kunden",
        "as_of": days_ago(3).isoformat(),
    }
    client.force_login(world.manager)
    page = client.get(reverse("accounts:detail", args=[world.account.pk])).content.decode()
    assert "added a profile entry: Werk Zwickau" in page


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": "   "}, "title"),
        ({"source": ""}, "source"),
        ({"kind": "planet"}, "kind"),
        ({"as_of": timezone.localdate() + timedelta(days=1)}, "as_of"),
        ({"title": "x" * 201}, "title"),
    ],
)
def test_an_invalid_fact_is_refused(world, values, field):
    arguments = {"kind": "site", "title": "Werk", "source": "Website"} | values

    with pytest.raises(ValidationError) as caught:
        services.fact_create(actor=world.owner, account=world.account, **arguments)

    assert field in caught.value.message_dict
    assert not ProfileFact.objects.exists()


def test_a_fact_edit_is_logged_with_old_and_new_values_and_a_stale_edit_conflicts(world):
    fact = ProfileFactFactory(account=world.account, title="Werk Ulm", as_of=None)
    services.fact_update(actor=world.owner, fact=fact, version=1, as_of=days_ago(1))

    with pytest.raises(EditConflict) as caught:
        services.fact_update(actor=world.teammate, fact=fact, version=1, title="Werk Neu-Ulm")

    # The stored value of the field the second editor changed, to compare with their input.
    assert caught.value.theirs == {"title": "Werk Ulm"}
    assert caught.value.current.version == 2
    entry = AuditEntry.objects.get(action="profiles.fact.update")
    assert entry.changes == {"as_of": [None, days_ago(1).isoformat()]}
    updated = services.fact_update(actor=world.teammate, fact=fact, version=2, title="Werk Neu-Ulm")
    assert (updated.title, updated.version) == ("Werk Neu-Ulm", 3)


def test_an_initiative_with_hurdles_can_neither_be_removed_nor_change_its_kind(world):
    hurdle = HurdleFactory(account=world.account)
    initiative = hurdle.initiative

    with pytest.raises(ValidationError):
        services.fact_delete(actor=world.owner, fact=initiative)
    with pytest.raises(ValidationError) as caught:
        services.fact_update(actor=world.owner, fact=initiative, version=1, kind=FactKind.KEY_FACT)

    assert "kind" in caught.value.message_dict
    assert ProfileFact.objects.get(pk=initiative.pk).kind == FactKind.STRATEGIC_INITIATIVE
    services.market_entry_delete(actor=world.owner, entry=hurdle)
    services.fact_delete(actor=world.owner, fact=initiative)
    assert not ProfileFact.objects.exists()
    assert AuditEntry.objects.filter(action="profiles.fact.delete", account_id=world.account.pk).count() == 1


# The account's market ------------------------------------------------------------------------------


def test_a_hurdle_belongs_to_a_strategic_initiative_of_the_same_account(world):
    initiative = ProfileFactFactory(
        account=world.account, kind=FactKind.STRATEGIC_INITIATIVE, title="Werk USA"
    )
    foreign = ProfileFactFactory(account=world.other_account, kind=FactKind.STRATEGIC_INITIATIVE)
    key_fact = ProfileFactFactory(account=world.account, kind=FactKind.KEY_FACT)
    hurdle = {"kind": MarketKind.HURDLE, "title": "Fehlende Fachkräfte vor Ort", "source": "Interview COO"}

    for wrong in (None, foreign, key_fact):
        with pytest.raises(ValidationError) as caught:
            services.market_entry_create(actor=world.owner, account=world.account, initiative=wrong, **hurdle)
        assert set(caught.value.message_dict) == {"initiative"}

    entry = services.market_entry_create(
        actor=world.owner,
        account=world.account,
        initiative=initiative,
        how_we_help="Inbetriebnahme durch unser Serviceteam in Atlanta",
        **hurdle,
    )
    assert entry.initiative == initiative
    audit = AuditEntry.objects.get(action="profiles.market.create")
    assert audit.changes["initiative"] == "Werk USA"
    assert audit.changes["how_we_help"].startswith("Inbetriebnahme")


def test_other_market_entries_have_no_initiative_and_no_help_text(world):
    initiative = ProfileFactFactory(account=world.account, kind=FactKind.STRATEGIC_INITIATIVE)

    with pytest.raises(ValidationError) as caught:
        services.market_entry_create(
            actor=world.owner,
            account=world.account,
            kind=MarketKind.TREND,
            title="Elektromobilität",
            source="VDMA",
            initiative=initiative,
            how_we_help="Antriebe",
        )

    assert set(caught.value.message_dict) == {"initiative", "how_we_help"}
    assert not MarketEntry.objects.exists()


def test_a_market_entry_edit_conflicts_when_someone_saved_first(world):
    entry = MarketEntryFactory(account=world.account, title="Fachkräftemangel")
    services.market_entry_update(
        actor=world.owner, entry=entry, version=1, details="Vor allem in der Montage"
    )

    with pytest.raises(EditConflict) as caught:
        services.market_entry_update(actor=world.teammate, entry=entry, version=1, details="In der Wartung")

    assert caught.value.theirs == {"details": "Vor allem in der Montage"}
    assert MarketEntry.objects.get(pk=entry.pk).details == "Vor allem in der Montage"


# SWOT ---------------------------------------------------------------------------------------------


def test_swot_items_are_appended_or_inserted_and_their_lists_stay_numbered(world):
    for text in ("Kurze Lieferzeiten", "Technischer Service vor Ort"):
        services.swot_item_create(actor=world.owner, account=world.account, quadrant="strength", text=text)
    services.swot_item_create(
        actor=world.owner,
        account=world.account,
        quadrant="strength",
        text="Langjährige Beziehung",
        position=1,
    )
    services.swot_item_create(actor=world.owner, account=world.account, quadrant="threat", text="Preisdruck")

    assert _texts(world.account) == [
        ("Langjährige Beziehung", 1),
        ("Kurze Lieferzeiten", 2),
        ("Technischer Service vor Ort", 3),
    ]
    assert _texts(world.account, Quadrant.THREAT) == [("Preisdruck", 1)]
    entry = AuditEntry.objects.filter(action="profiles.swot.create").order_by("pk")[2]
    assert entry.changes == {"quadrant": "strength", "text": "Langjährige Beziehung", "position": 1}


def test_moving_an_item_reorders_its_list_without_counting_up_its_version(world):
    first = SwotItemFactory(account=world.account, text="A", position=1)
    second = SwotItemFactory(account=world.account, text="B", position=2)

    services.swot_item_move(actor=world.owner, item=second, direction="up")
    services.swot_item_move(actor=world.owner, item=second, direction="up")  # at the top already

    assert _texts(world.account) == [("B", 1), ("A", 2)]
    assert SwotItem.objects.get(pk=second.pk).version == 1
    # Someone who opened the first item's form before the move still saves without a conflict.
    services.swot_item_update(actor=world.teammate, item=first, version=1, text="A, präzisiert")
    assert _texts(world.account) == [("B", 1), ("A, präzisiert", 2)]
    moves = AuditEntry.objects.filter(action="profiles.swot.move")
    assert [m.changes for m in moves] == [{"position": [2, 1]}]


def test_an_item_moved_to_another_list_goes_to_its_end_and_the_old_list_closes_the_gap(world):
    SwotItemFactory(account=world.account, text="A", position=1)
    moving = SwotItemFactory(account=world.account, text="B", position=2)
    SwotItemFactory(account=world.account, text="C", position=3)
    SwotItemFactory(account=world.account, quadrant=Quadrant.WEAKNESS, text="W", position=1)

    services.swot_item_update(actor=world.owner, item=moving, version=1, quadrant=Quadrant.WEAKNESS)

    assert _texts(world.account) == [("A", 1), ("C", 2)]
    assert _texts(world.account, Quadrant.WEAKNESS) == [("W", 1), ("B", 2)]
    entry = AuditEntry.objects.get(action="profiles.swot.update")
    assert entry.changes == {"quadrant": ["strength", "weakness"], "position": [2, 2]}


def test_an_item_moves_to_a_position_and_deleting_closes_the_gap(world):
    items = [
        SwotItemFactory(account=world.account, text=t, position=i) for i, t in enumerate("ABCD", start=1)
    ]

    services.swot_item_update(actor=world.owner, item=items[3], version=None, position=2)
    assert _texts(world.account) == [("A", 1), ("D", 2), ("B", 3), ("C", 4)]
    services.swot_item_delete(actor=world.owner, item=items[0])
    assert _texts(world.account) == [("D", 1), ("B", 2), ("C", 3)]
    with pytest.raises(ValidationError):
        services.swot_item_update(actor=world.owner, item=items[1], version=None, position=0)


def test_a_swot_text_edit_from_an_old_version_conflicts(world):
    item = SwotItemFactory(account=world.account, text="Service", position=1)
    services.swot_item_update(actor=world.owner, item=item, version=1, text="Service rund um die Uhr")

    with pytest.raises(EditConflict) as caught:
        services.swot_item_update(actor=world.teammate, item=item, version=1, text="Service in 24 h")

    assert caught.value.theirs == {"text": "Service rund um die Uhr"}


# Stale facts and the summary ------------------------------------------------------------------------


def test_the_cutoff_is_the_configured_number_of_months_back(settings):
    assert stale_cutoff(date(2026, 5, 20)) == date(2025, 5, 20)
    settings.OPENKAM_PROFILE_STALE_MONTHS = 1
    assert stale_cutoff(date(2026, 3, 31)) == date(2026, 2, 28)
    settings.OPENKAM_PROFILE_STALE_MONTHS = 14
    assert stale_cutoff(date(2026, 1, 15)) == date(2024, 11, 15)


def test_old_and_undated_facts_and_sections_count_as_stale(world, settings):
    ProfileFactFactory(account=world.account, as_of=days_ago(10))
    ProfileFactFactory(account=world.account, as_of=days_ago(400))
    ProfileFactFactory(account=world.account, as_of=None)
    MarketEntryFactory(account=world.account, as_of=days_ago(500))
    MarketEntryFactory(account=world.account, as_of=days_ago(100))
    ProfileFactFactory(account=world.other_account, as_of=None)
    AccountProfileFactory(
        account=world.account,
        strategy_as_of=days_ago(380),
        employees=500,
        size_source="Creditreform",
        size_as_of=None,
    )
    SwotItemFactory(account=world.account)  # an assessment, not a fact

    assert stale_fact_count(world.account) == 5
    settings.OPENKAM_PROFILE_STALE_MONTHS = 2
    assert stale_fact_count(world.account) == 6
    assert stale_fact_count(world.other_account) == 1


def test_the_summary_gives_other_pages_the_entity_initiatives_and_swot(world):
    world.account.customer.legal_form = "AG"
    world.account.customer.save()
    AccountProfileFactory(account=world.account, turnover=Decimal("1200000000"), size_source="GB 2025")
    hurdle = HurdleFactory(account=world.account, title="Zulassung in den USA")
    ProfileFactFactory(account=world.account, kind=FactKind.STRATEGIC_INITIATIVE, title="Digitaler Service")
    SwotItemFactory(account=world.account, quadrant=Quadrant.THREAT, text="Preisdruck aus Asien", position=1)
    SwotItemFactory(account=world.account, quadrant=Quadrant.STRENGTH, text="Servicenetz", position=1)

    summary = profile_summary(world.account)

    assert (summary.legal_name, summary.legal_form) == ("Alpha Maschinenbau", "AG")
    assert summary.turnover == Decimal("1200000000")
    assert [i.title for i in summary.strategic_initiatives] == ["Digitaler Service", hurdle.initiative.title]
    assert summary.strategic_initiatives[1].hurdles[0].title == "Zulassung in den USA"
    assert summary.swot == {
        "strength": ("Servicenetz",),
        "weakness": (),
        "opportunity": (),
        "threat": ("Preisdruck aus Asien",),
    }
    assert summary.stale_facts == 1  # the size figures have no date


def test_removing_the_whole_account_removes_initiatives_and_their_hurdles(world):
    HurdleFactory(account=world.account)
    AccountProfileFactory(account=world.account)
    world.account.stakeholders.all().delete()
    world.account.team_memberships.all().delete()

    world.account.delete()

    assert not (
        ProfileFact.objects.exists() or MarketEntry.objects.exists() or AccountProfile.objects.exists()
    )

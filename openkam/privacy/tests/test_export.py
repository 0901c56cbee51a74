"""The export of everything stored about one person, and the information records."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from openkam.core.models import AuditEntry
from openkam.core.pdf import refusing_fetcher
from openkam.core.services import MASK
from openkam.personality.models import PersonalityView
from openkam.privacy import collectors
from openkam.privacy.collectors import Section, collect, export_document, register
from openkam.privacy.erasure import stakeholder_anonymise
from openkam.privacy.pdf import export_html, render_pdf
from openkam.privacy.services import information_record_create, personal_data_export
from openkam.relationships.models import Counterpart
from openkam.stakeholders.models import BuyingCenterSettings, Stakeholder
from openkam.stakeholders.services import stakeholder_create
from openkam.testing.factories import StakeholderFactory

from .factories import (
    ContactFactory,
    FollowUpFactory,
    InformationRecordFactory,
    PersonalityProfileFactory,
    RelationshipLinkFactory,
    RetentionFlagFactory,
    TouchpointFactory,
)

pytestmark = pytest.mark.django_db


def _enable_personality(on: bool = True) -> None:
    settings = BuyingCenterSettings.current()
    settings.personality_enabled = on
    settings.save()


@pytest.fixture
def person(world) -> Stakeholder:
    boss = StakeholderFactory(account=world.account, first_name="Ilse", last_name="Oberholz")
    person = stakeholder_create(
        actor=world.owner,
        account=world.account,
        first_name="Bruno",
        last_name="Sandmeier",
        email="bruno.sandmeier@kunde.example",
        function="Leiter Instandhaltung",
        hierarchy_level="project",
        reports_to=boss,
        buying_roles=["influencer", "user"],
        attitude=2,
        is_coach=True,
    )
    StakeholderFactory(account=world.account, first_name="Pia", last_name="Unterberg", reports_to=person)
    contact = ContactFactory(
        account=world.account,
        date=datetime.date(2025, 5, 12),
        title="Wartungskonzept Halle 4",
        topics="Ersatzteilpaket",
        stakeholders=[person],
    )
    ContactFactory(account=world.account, title="Ohne ihn", stakeholders=[boss])
    FollowUpFactory(contact=contact, description="Preisliste schicken")
    Counterpart.objects.create(contact=contact, stakeholder=person, user=world.teammate)
    RelationshipLinkFactory(stakeholder=person, user=world.owner, occasion="Werksbesuch")
    TouchpointFactory(stakeholder=person, description="Referenzbericht Getriebe")
    InformationRecordFactory(stakeholder=person, informed_on=datetime.date(2025, 3, 1), channel="email")
    # Nobody has met him since January 2023: due for deletion.
    Stakeholder.objects.filter(pk=person.pk).update(last_contact_on=datetime.date(2023, 1, 10))
    person.refresh_from_db()
    RetentionFlagFactory(stakeholder=person)
    person.account = world.account
    return person


def _sections(sections) -> dict[str, Section]:
    return {section.key: section for section in sections}


def test_the_export_lists_everything_about_the_person_section_by_section(world, person):
    sections = _sections(personal_data_export(actor=world.owner, stakeholder=person))

    assert list(sections) == [
        "stakeholder",
        "contacts",
        "counterparts",
        "follow_ups",
        "relationship_plan",
        "touchpoints",
        "information",
        "retention",
        "opportunity_decisions",
        "audit",
        "mentions",
    ]
    fields = {name: value for name, _label, value in sections["stakeholder"].fields}
    assert fields["key_account"] == "Alpha Maschinenbau"
    assert (fields["first_name"], fields["last_name"], fields["email"]) == (
        "Bruno",
        "Sandmeier",
        "bruno.sandmeier@kunde.example",
    )
    assert fields["reports_to"] == "Ilse Oberholz" and fields["direct_reports"] == ["Pia Unterberg"]
    assert fields["buying_roles"] == ["Influencer", "User"]
    assert (fields["hierarchy_level"], fields["attitude"], fields["is_coach"]) == (
        "Project / middle management",
        "Champion",
        True,
    )
    assert [row["title"] for row in sections["contacts"].rows] == ["Wartungskonzept Halle 4"]
    assert sections["contacts"].rows[0]["kind"] == "Meeting"
    assert sections["counterparts"].rows == [
        {
            "user": "Tom Teich",
            "contact_date": datetime.date(2025, 5, 12),
            "contact": "Wartungskonzept Halle 4",
        }
    ]
    assert [row["description"] for row in sections["follow_ups"].rows] == ["Preisliste schicken"]
    assert sections["relationship_plan"].rows[0]["occasion"] == "Werksbesuch"
    assert sections["touchpoints"].rows[0]["kind"] == "Article"
    assert sections["information"].rows[0]["channel"] == "Email"
    retention = {name: value for name, _label, value in sections["retention"].fields}
    assert retention["state"] == "Due for deletion" and retention["purge_after"] == datetime.date(2025, 3, 3)
    # The audit entries about the person, with the values masked when they were written.
    [created] = [row for row in sections["audit"].rows if row["action"] == "added a stakeholder"]
    assert created["object"] == "Bruno Sandmeier" and f"Email: {MASK}" in created["changes"]
    assert sections["mentions"].rows == []


def test_the_export_is_audited_without_the_data(world, person):
    personal_data_export(actor=world.owner, stakeholder=person)

    entry = AuditEntry.objects.get(action="privacy.export")
    assert (entry.actor, entry.target_id, entry.changes) == (world.owner, str(person.pk), {})


def test_only_the_owner_exports(world, person):
    for user in (world.teammate, world.extended, world.manager, world.other_kam):
        with pytest.raises(PermissionDenied):
            personal_data_export(actor=user, stakeholder=person)
    assert not AuditEntry.objects.filter(action="privacy.export").exists()


def test_with_profiles_enabled_the_owner_gets_the_profile_and_the_read_is_logged(world, person):
    _enable_personality()
    PersonalityProfileFactory(stakeholder=person, strongest_motives=["curiosity"], observations="Tüftler")

    sections = _sections(personal_data_export(actor=world.owner, stakeholder=person))

    profile = {name: value for name, _label, value in sections["personality"].fields}
    assert (profile["primary_colour"], profile["strongest_motives"], profile["observations"]) == (
        "Red",
        ["Curiosity"],
        "Tüftler",
    )
    [view] = PersonalityView.objects.filter(stakeholder=person)
    assert (view.viewer, view.channel) == (world.owner, "privacy_export")
    # The export lists its own read in the view log.
    assert sections["personality_views"].rows == [
        {"viewed_at": view.viewed_at, "viewer_name": "Katrin Amann", "channel": "Data-protection export"}
    ]


def test_without_the_permission_the_export_has_no_trace_of_personality(world, person):
    _enable_personality(False)
    PersonalityProfileFactory(stakeholder=person, observations="Tüftler")

    sections = personal_data_export(actor=world.owner, stakeholder=person)

    assert "personality" not in _sections(sections) and "personality_views" not in _sections(sections)
    assert "Tüftler" not in str(export_document(person, sections))
    assert not PersonalityView.objects.exists()


def test_an_app_can_add_its_own_section(world, person):
    @register("test_loyalty_cards", order=500)
    def loyalty(context):
        return Section(
            key="test_loyalty_cards", title="Loyalty", fields=[("number", "Number", context.stakeholder.pk)]
        )

    try:
        sections = collect(person, viewer=world.owner)
    finally:
        collectors._COLLECTORS.pop("test_loyalty_cards")

    assert sections[-1].key == "test_loyalty_cards" and sections[-1].fields == [
        ("number", "Number", person.pk)
    ]
    with pytest.raises(ValueError):
        register("contacts", order=1)(loyalty)


def test_the_json_document_carries_dates_as_iso_text(world, person):
    document = export_document(person, personal_data_export(actor=world.owner, stakeholder=person))

    assert (document["format"], document["stakeholder_id"], document["language"]) == (
        "openkam-personal-data/1",
        person.pk,
        "en",
    )
    contacts = next(s for s in document["sections"] if s["key"] == "contacts")
    assert contacts["rows"][0]["date"] == "2025-05-12"
    assert {"name": "date", "label": "Date"} in contacts["columns"]


def test_the_pdf_is_made_in_the_requesters_language_and_loads_nothing(world, person):
    with translation.override("de"):
        sections = personal_data_export(actor=world.owner, stakeholder=person)
        html_de = export_html(sections, title="Daten", subtitle="")
        pdf = render_pdf(sections, title="Daten", subtitle="")
    html_en = export_html(
        personal_data_export(actor=world.owner, stakeholder=person), title="Data", subtitle=""
    )

    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    assert "12.05.2025" in html_de and "05/12/2025" in html_en
    with pytest.raises(ValueError):
        refusing_fetcher()("https://tracker.example/pixel.png")


def test_an_anonymised_person_can_still_be_exported(world, person):
    stakeholder_anonymise(actor=world.owner, stakeholder=person)

    sections = _sections(personal_data_export(actor=world.owner, stakeholder=person))

    fields = {name: value for name, _label, value in sections["stakeholder"].fields}
    assert fields["first_name"] == "" and fields["email"] == "" and fields["anonymised_at"] is not None


# Information records --------------------------------------------------------------------------


def test_the_owner_and_the_core_team_record_that_a_person_was_informed(world, person):
    record = information_record_create(
        actor=world.teammate,
        stakeholder=person,
        informed_on=datetime.date(2025, 4, 2),
        channel="in_person",
        note="Beim Werksbesuch übergeben",
    )

    assert (record.recorded_by, record.account_id, record.note) == (
        world.teammate,
        world.account.pk,
        "Beim Werksbesuch übergeben",
    )
    entry = AuditEntry.objects.get(action="privacy.informed.record")
    assert entry.changes == {"informed_on": "2025-04-02", "channel": "in_person", "note": MASK}
    assert entry.target_repr == "Bruno Sandmeier"
    for user in (world.extended, world.manager, world.other_kam):
        with pytest.raises(PermissionDenied):
            information_record_create(
                actor=user, stakeholder=person, informed_on=datetime.date(2025, 4, 2), channel="letter"
            )


def test_an_information_date_in_the_future_or_for_an_anonymised_person_is_refused(world, person):
    with pytest.raises(ValidationError) as error:
        information_record_create(
            actor=world.owner,
            stakeholder=person,
            informed_on=datetime.date.today() + datetime.timedelta(days=1),
            channel="letter",
        )
    assert "informed_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        information_record_create(
            actor=world.owner, stakeholder=person, informed_on=datetime.date(2025, 1, 1), channel="pigeon"
        )
    stakeholder_anonymise(actor=world.owner, stakeholder=person)
    with pytest.raises(ValidationError):
        information_record_create(
            actor=world.owner, stakeholder=person, informed_on=datetime.date(2025, 1, 1), channel="letter"
        )

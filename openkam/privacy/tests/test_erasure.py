"""Anonymising and erasing a stakeholder: what goes, what stays, and that the name is gone everywhere."""

import json
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.test import Client
from django.urls import reverse

from openkam.core.models import AuditEntry
from openkam.core.services import MASK, audit_record
from openkam.core.tests.api_matrix import API_OPERATIONS, PREFIX
from openkam.core.tests.test_permission_matrix import MATRIX
from openkam.personality.models import PersonalityProfile, PersonalityView
from openkam.personality.permissions import profiles_for_viewer
from openkam.privacy.erasure import erasure_preview, stakeholder_anonymise, stakeholder_erase
from openkam.privacy.models import InformationRecord, RetentionFlag
from openkam.privacy.scrub import anonymised_label, erased_label
from openkam.relationships.models import Contact, Counterpart, FollowUp, RelationshipLink, Touchpoint
from openkam.stakeholders.models import BuyingCenterSettings, Stakeholder
from openkam.stakeholders.services import stakeholder_create, stakeholder_update
from openkam.testing.matrix import app_case_modules

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

FULL_NAME = "Xaver Quellenberger"
EMAIL = "xaver.quellenberger@kunde.example"
NEEDLES = (FULL_NAME, "Quellenberger", EMAIL)


@dataclass
class Scene:
    person: Stakeholder
    report: Stakeholder
    contact: Contact
    other_contact: Contact


@pytest.fixture
def scene(world) -> Scene:
    """A person typed into every corner of the buying center, as the apps record it."""
    settings = BuyingCenterSettings.current()
    settings.personality_enabled = True
    settings.save()
    owner, account = world.owner, world.account
    person = stakeholder_create(
        actor=owner,
        account=account,
        first_name="Xaver",
        last_name="Quellenberger",
        email=EMAIL,
        phone="+49 89 5566778",
        function="Leiter Einkauf Antriebe",
        business_unit="Zentraleinkauf",
        hierarchy_level="executive",
        buying_roles=["decision_maker"],
        attitude=1,
        notes="Mag keine langen Präsentationen",
    )
    report = stakeholder_create(
        actor=owner,
        account=account,
        first_name="Greta",
        last_name="Gruber",
        reports_to=person,
        notes="Arbeitet eng mit Herrn Quellenberger zusammen",
    )
    stakeholder_update(
        actor=owner, stakeholder=person, version=person.version, function="Bereichsleiter Einkauf"
    )
    contact = ContactFactory(
        account=account,
        title=f"Jahresgespräch mit {FULL_NAME}",
        topics="Frau Gruber und HERR QUELLENBERGER wollen den Rahmenvertrag verlängern",
        outcomes=f"Dr. Quellenberger sagt zu; Protokoll an {EMAIL}",
        stakeholders=[person, report],
    )
    other_contact = ContactFactory(
        account=account, title="Werksbesichtigung", topics="Nur Frau Gruber", stakeholders=[report]
    )
    FollowUpFactory(contact=contact, description="Unterlagen an Hr. Quellenberger schicken")
    Counterpart.objects.create(contact=contact, stakeholder=person, user=world.teammate)
    RelationshipLinkFactory(stakeholder=person, user=owner, aim="Herrn Quellenberger als Coach gewinnen")
    RelationshipLinkFactory(stakeholder=report, user=owner, aim=f"Über {FULL_NAME} an die Geschäftsführung")
    TouchpointFactory(stakeholder=person)
    PersonalityProfileFactory(stakeholder=person, observations="Entscheidet schnell")
    PersonalityProfileFactory(stakeholder=report, observations="Loyal zu Prof. Quellenberger")
    profiles_for_viewer(owner, account, channel="page")
    InformationRecordFactory(stakeholder=person, note="Brief an Herrn Quellenberger")
    RetentionFlagFactory(stakeholder=person)
    # What the contact log writes to the account timeline.
    audit_record(
        actor=owner,
        action="relationships.contact.create",
        target=contact,
        account_id=account.pk,
        changes={"title": contact.title, "stakeholders": f"{FULL_NAME}, Greta Gruber"},
    )
    return Scene(person=person, report=report, contact=contact, other_contact=other_contact)


def _text_columns(model) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
    ]


def occurrences(needles=NEEDLES) -> set[tuple[str, str]]:
    """(model, needle) for every text or JSON column of every table that contains a needle."""
    found = set()
    for model in apps.get_models(include_auto_created=True):
        columns = _text_columns(model)
        if not columns:
            continue
        for row in model._default_manager.values_list(*columns):
            text = " ".join(
                value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                for value in row
                if value is not None
            ).casefold()
            found |= {(model._meta.label, needle) for needle in needles if needle.casefold() in text}
    return found


def _account_urls(world) -> list[str]:
    """Every page and every API read of the world's account (and the lists that include it)."""
    urls = []
    account_prefix = f"/accounts/{world.account.pk}/"
    for case in MATRIX.values():
        if case.method != "get":
            continue
        try:
            # Each case builds its own objects for a fresh world; in one shared world some
            # collide (unique names). Those few pages are covered by the others of their section.
            with transaction.atomic():
                url = case.url(world, world.owner)
        except IntegrityError:
            continue
        if url.startswith(account_prefix) or url == reverse("accounts:list"):
            urls.append(url)
    ids = {"account_id": world.account.pk, "stakeholder_id": world.stakeholder.pk}
    for module in app_case_modules():
        try:
            with transaction.atomic():
                ids |= module.api_path_ids(world) if hasattr(module, "api_path_ids") else {}
        except IntegrityError:
            continue
    for method, template in API_OPERATIONS.values():
        if method == "GET" and template.startswith("/accounts"):
            try:
                urls.append(PREFIX + template.format(**ids))
            except KeyError:
                continue
    return urls


def _answers_naming_the_person(world) -> list[str]:
    client = Client()
    client.force_login(world.owner)
    named = []
    for url in _account_urls(world):
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or not content_type.startswith(("text/", "application/json")):
            continue
        body = b"".join(response) if response.streaming else response.content
        text = body.decode("utf-8", "replace").casefold()
        named += [f"{url}: {needle}" for needle in NEEDLES if needle.casefold() in text]
    return named


def test_the_scene_names_the_person_all_over_the_database(scene):
    # Without this the scans below could pass because they look in the wrong place.
    where = {model for model, _needle in occurrences()}
    assert {
        "stakeholders.Stakeholder",
        "relationships.Contact",
        "relationships.FollowUp",
        "relationships.RelationshipLink",
        "personality.PersonalityProfile",
        "privacy.InformationRecord",
        "core.AuditEntry",
    } <= where


@pytest.mark.parametrize("service", [stakeholder_anonymise, stakeholder_erase])
def test_afterwards_the_name_and_email_are_in_no_table_and_no_answer_of_the_account(world, scene, service):
    service(actor=world.owner, stakeholder=scene.person)

    assert occurrences() == set()
    assert _answers_naming_the_person(world) == []


def test_the_pages_of_the_account_named_the_person_before(world, scene):
    assert len(_answers_naming_the_person(world)) > 3


def test_anonymising_keeps_the_role_in_the_buying_center_and_removes_the_person(world, scene):
    person = scene.person
    label = anonymised_label(person.pk)

    report = stakeholder_anonymise(actor=world.owner, stakeholder=person)

    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("", label)
    assert (person.email, person.phone, person.function, person.business_unit, person.notes) == ("",) * 5
    assert person.anonymised_at is not None
    assert (person.hierarchy_level, person.buying_roles, person.attitude) == (
        "executive",
        ["decision_maker"],
        1,
    )
    assert person.version == 3  # created, updated, anonymised: open edit forms now conflict
    # The report still reports to the neutral label; the contacts keep the person as participant.
    assert Stakeholder.objects.get(pk=scene.report.pk).reports_to_id == person.pk
    assert list(scene.contact.stakeholders.order_by("pk")) == [person, scene.report]
    assert Counterpart.objects.filter(stakeholder=person).count() == 1
    # Deleted: profile, view log, plan lines, touchpoints and the flag of the person.
    assert not PersonalityProfile.objects.filter(stakeholder=person).exists()
    assert not PersonalityView.objects.filter(stakeholder=person).exists()
    assert not RelationshipLink.objects.filter(stakeholder=person).exists()
    assert not Touchpoint.objects.filter(stakeholder=person).exists()
    assert not RetentionFlag.objects.filter(stakeholder=person).exists()
    # The information record keeps date and channel, not the note.
    record = InformationRecord.objects.get(stakeholder=person)
    assert (record.channel, record.note) == ("letter", "")
    # Names in free text became the label, forms of address included; other people stay.
    contact = Contact.objects.get(pk=scene.contact.pk)
    assert contact.title == f"Jahresgespräch mit {label}"
    assert contact.topics == f"Frau Gruber und {label} wollen den Rahmenvertrag verlängern"
    assert contact.outcomes == f"{label} sagt zu; Protokoll an {label}"
    assert contact.version == 2
    assert FollowUp.objects.get(contact=contact).description == f"Unterlagen an {label} schicken"
    assert Stakeholder.objects.get(pk=scene.report.pk).notes == f"Arbeitet eng mit {label} zusammen"
    assert (
        RelationshipLink.objects.get(stakeholder=scene.report).aim == f"Über {label} an die Geschäftsführung"
    )
    assert PersonalityProfile.objects.get(stakeholder=scene.report).observations == f"Loyal zu {label}"
    assert Contact.objects.get(pk=scene.other_contact.pk).topics == "Nur Frau Gruber"
    assert report.relationship_links == 1 and report.touchpoints == 1 and report.profile


def test_erasing_deletes_the_person_and_everything_about_them(world, scene):
    person_pk = scene.person.pk
    label = erased_label(person_pk)

    stakeholder_erase(actor=world.owner, stakeholder=scene.person)

    assert not Stakeholder.objects.filter(pk=person_pk).exists()
    report = Stakeholder.objects.get(pk=scene.report.pk)
    assert report.reports_to_id is None
    assert report.notes == f"Arbeitet eng mit {label} zusammen"
    assert list(Contact.objects.get(pk=scene.contact.pk).stakeholders.all()) == [report]
    assert Contact.objects.get(pk=scene.contact.pk).title == f"Jahresgespräch mit {label}"
    for model in (Counterpart, RelationshipLink, Touchpoint, PersonalityProfile, PersonalityView):
        assert not model.objects.filter(stakeholder_id=person_pk).exists(), model
    assert not InformationRecord.objects.filter(stakeholder_id=person_pk).exists()
    assert not RetentionFlag.objects.filter(stakeholder_id=person_pk).exists()


@pytest.mark.parametrize(
    ("service", "action", "label"),
    [
        (stakeholder_anonymise, "privacy.anonymise", anonymised_label),
        (stakeholder_erase, "privacy.erase", erased_label),
    ],
)
def test_the_audit_trail_keeps_its_history_without_the_name(world, scene, service, action, label):
    person_pk = scene.person.pk
    entries_before = AuditEntry.objects.count()

    service(actor=world.owner, stakeholder=scene.person)

    assert AuditEntry.objects.count() == entries_before + 1
    last = AuditEntry.objects.order_by("-pk").first()
    assert (last.action, last.target_id, last.target_repr, last.actor) == (
        action,
        str(person_pk),
        label(person_pk),
        world.owner,
    )
    about = AuditEntry.objects.filter(target_type="stakeholders.stakeholder", target_id=str(person_pk))
    assert {e.target_repr for e in about} == {label(person_pk)}
    created = about.get(action="stakeholder.create")
    # Identifying values are masked; the role in the buying center stays readable.
    assert created.changes["last_name"] == MASK and created.changes["email"] == MASK
    assert created.changes["hierarchy_level"] == "executive"
    updated = about.get(action="stakeholder.update")
    assert updated.changes["function"] == [MASK, MASK]
    # The report's creation named the person as boss; that entry keeps its own target.
    report_created = AuditEntry.objects.get(target_id=str(scene.report.pk), action="stakeholder.create")
    assert report_created.target_repr == "Greta Gruber"
    assert label(person_pk) in json.dumps(report_created.changes, ensure_ascii=False)


def test_a_failure_halfway_leaves_everything_as_it_was(world, scene):
    def fail_on_the_last_audit_entry(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "core_auditentry"'):
            raise RuntimeError("disk full")
        return execute(sql, params, many, context)

    before = occurrences()
    with connection.execute_wrapper(fail_on_the_last_audit_entry), pytest.raises(RuntimeError):
        stakeholder_erase(actor=world.owner, stakeholder=scene.person)

    assert occurrences() == before
    assert Stakeholder.objects.filter(pk=scene.person.pk).exists()
    assert Stakeholder.objects.get(pk=scene.report.pk).reports_to_id == scene.person.pk
    assert PersonalityProfile.objects.filter(stakeholder=scene.person).exists()


def test_only_the_account_owner_erases_or_anonymises(world, scene):
    for user in (world.teammate, world.extended, world.manager):
        for service in (stakeholder_anonymise, stakeholder_erase):
            with pytest.raises(PermissionDenied):
                service(actor=user, stakeholder=scene.person)
    assert occurrences()  # nothing happened


def test_a_stakeholder_is_anonymised_only_once_but_may_be_erased_afterwards(world, scene):
    stakeholder_anonymise(actor=world.owner, stakeholder=scene.person)

    with pytest.raises(ValidationError):
        stakeholder_anonymise(actor=world.owner, stakeholder=scene.person)
    stakeholder_erase(actor=world.owner, stakeholder=scene.person)
    assert not Stakeholder.objects.filter(pk=scene.person.pk).exists()


def test_the_preview_counts_what_will_happen_and_changes_nothing(world, scene):
    before = occurrences()

    preview = erasure_preview(scene.person, "erase")

    assert occurrences() == before
    assert (preview.contacts, preview.counterparts, preview.relationship_links, preview.touchpoints) == (
        1,
        1,
        1,
        1,
    )
    assert (preview.profile, preview.information_records, preview.direct_reports) == (True, 1, 1)
    assert preview.profile_views == 1 and preview.retention_flag
    # Contact (title, topics, outcomes in one row), follow-up, the report's notes, plan line, profile.
    assert preview.texts == {
        "contacts": 1,
        "follow-up actions": 1,
        "stakeholders": 1,
        "relationship plan entries": 1,
        "personality profiles": 1,
    }
    assert preview.audit_about == 2  # created and updated (the factories write no entries)
    assert preview.audit_mentions == 2  # the report's creation (boss) and the contact


def test_names_outside_the_buying_center_are_listed_not_changed(world, scene):
    from openkam.competition.tests.factories import RequirementFactory

    requirement = RequirementFactory(account=world.account, notes="Laut Herrn Quellenberger entscheidend")

    preview = erasure_preview(scene.person, "anonymise")
    stakeholder_anonymise(actor=world.owner, stakeholder=scene.person)

    [mention] = preview.elsewhere
    assert (mention.what, mention.field, mention.object_id) == (
        "customer requirement",
        "notes",
        requirement.pk,
    )
    assert "Herrn Quellenberger" in mention.excerpt
    requirement.refresh_from_db()
    assert requirement.notes == "Laut Herrn Quellenberger entscheidend"


def test_a_last_name_on_its_own_is_not_replaced(world, scene):
    # The documented limit: "Quellenberger" alone could be any Quellenberger, or a word.
    scene.contact.outcomes = "Quellenberger ruft zurück"
    scene.contact.save()

    stakeholder_anonymise(actor=world.owner, stakeholder=scene.person)

    assert Contact.objects.get(pk=scene.contact.pk).outcomes == "Quellenberger ruft zurück"

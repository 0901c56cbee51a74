import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from openkam.core.models import AuditEntry
from openkam.stakeholders import services
from openkam.stakeholders.models import Stakeholder


@pytest.mark.django_db
def test_a_core_teammate_adds_a_stakeholder_and_the_contact_details_are_masked_in_the_log(client, world):
    client.force_login(world.teammate)
    response = client.post(
        reverse("stakeholders:create", args=[world.account.pk]),
        {"first_name": "Jana", "last_name": "Jung", "email": "jana@kunde.example", "phone": "+49 1"},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="stakeholder.create")
    assert entry.changes["first_name"] == "Jana"
    assert entry.changes["email"] == "•••" and entry.changes["phone"] == "•••"
    assert "jana@kunde.example" not in str(AuditEntry.objects.values_list("changes", flat=True))


@pytest.mark.django_db
def test_changing_an_email_logs_that_it_changed_but_not_the_values(world):
    services.stakeholder_update(actor=world.owner, stakeholder=world.stakeholder, email="neu@kunde.example")
    entry = AuditEntry.objects.get(action="stakeholder.update")
    assert entry.changes == {"email": ["•••", "•••"]}


@pytest.mark.django_db
def test_the_extended_team_and_management_cannot_change_stakeholders(world):
    for actor in (world.extended, world.manager):
        with pytest.raises(PermissionDenied):
            services.stakeholder_update(actor=actor, stakeholder=world.stakeholder, function="CEO")
        with pytest.raises(PermissionDenied):
            services.stakeholder_create(actor=actor, account=world.account, first_name="A", last_name="B")


@pytest.mark.django_db
def test_invalid_stakeholder_data_is_refused_and_nothing_is_saved(world):
    before = Stakeholder.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.stakeholder_create(
            actor=world.owner, account=world.account, first_name="", last_name="X", email="x@"
        )
    assert set(exc.value.message_dict) == {"first_name", "email"}
    assert Stakeholder.objects.count() == before
    assert not AuditEntry.objects.filter(action="stakeholder.create").exists()


@pytest.mark.django_db
def test_a_stakeholder_is_only_reachable_through_its_own_account(client, world):
    client.force_login(world.owner)
    # The owner's account id with a foreign stakeholder id: not found, not leaked.
    url = reverse("stakeholders:edit", args=[world.account.pk, world.other_stakeholder.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("stakeholders:delete", args=[world.account.pk, world.other_stakeholder.pk])
        ).status_code
        == 404
    )
    assert Stakeholder.objects.filter(pk=world.other_stakeholder.pk).exists()


@pytest.mark.django_db
def test_deleting_a_stakeholder_is_audited(client, world):
    client.force_login(world.owner)
    client.post(reverse("stakeholders:delete", args=[world.account.pk, world.stakeholder.pk]))
    assert not Stakeholder.objects.filter(pk=world.stakeholder.pk).exists()
    assert AuditEntry.objects.filter(action="stakeholder.delete", account_id=world.account.pk).exists()


@pytest.mark.django_db
def test_a_form_with_an_unknown_field_is_refused_and_nothing_is_saved(client, world):
    client.force_login(world.owner)
    before = Stakeholder.objects.count()
    response = client.post(
        reverse("stakeholders:create", args=[world.account.pk]),
        {"first_name": "Jana", "last_name": "Jung", "emial": "jana@kunde.example"},
    )
    assert response.status_code == 200
    assert "Unknown field(s): emial" in response.content.decode()
    assert Stakeholder.objects.count() == before

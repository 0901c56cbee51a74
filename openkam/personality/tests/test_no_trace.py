"""Someone without the personality permission finds no trace of it anywhere.

With profiles switched on, two profiles stored and the permission granted to the core teammate
(who then loses it again), every person without the permission requests every GET page of the
HTML permission matrix, every GET operation of the API catalogue and the other formats of
every export there — both built from what each app declares in its ``tests/matrix_cases.py``,
so pages added later are covered without touching this file. No answer may contain:

- the observations, or the communication hints of the stored colours and motives (in English
  or German);
- the labels of the stored motives (only distinctive ones are stored, so that common words
  like "Order" or "Status" cannot give false alarms);
- the words of the personality section ("personality", "Persönlichkeit", "Reiss", the labels of
  its forms) — not even a link or a timeline entry saying that profiles exist. The address a
  person asked for is left out of the search: a 404 page may repeat it.

The owner's answers serve as the control: they contain all of it. And only the owner's reads
leave rows in the view log.
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from openkam.core.services import job_create
from openkam.core.tasks import run_job
from openkam.core.tests.api_matrix import API_OPERATIONS, api_path, world_ids
from openkam.core.tests.test_permission_matrix import MATRIX
from openkam.personality import services
from openkam.personality.hints import COLOUR_HINTS, MOTIVE_HINTS
from openkam.personality.models import PersonalityGrant, PersonalityProfile, PersonalityView
from openkam.stakeholders.models import Stakeholder
from openkam.stakeholders.services import stakeholder_create

from .answer_text import answer_text
from .factories import PersonalityProfileFactory, enable_personality

pytestmark = pytest.mark.django_db

OBSERVATION = "ZEBRA-OBSERVATION: reagiert auf Zahlenkolonnen ungeduldig"
SECOND_OBSERVATION = "ZEBRA-OBSERVATION-2: fragt nach Referenzen"
COLOURS = ("red", "orange")
STRONGEST = ("curiosity", "vengeance", "idealism")
WEAKEST = ("romance", "physical_activity")
SECOND = {"primary_colour": "blue", "secondary_colour": "green", "strongest_motives": ["idealism"]}

# The section itself, case-insensitive (a prefix matches every inflection): its name and the
# labels only its pages use. General method guidance elsewhere (the growth question bank
# suggests "the four-colour model and the life motives" for understanding people) says nothing
# about whether anybody keeps profiles, so the method's names alone are no trace.
SECTION_WORDS = (
    r"personalit",
    r"pers[öo]nlichkeit",
    r"\breiss\b",
    r"\b(strongest|weakest) life motives",
    r"\b(st[äa]rkste|schw[äa]chste) lebensmotive",
    r"\b(dominant|second) colour",
    r"\b(dominante|zweite) farbe",
    r"zebra-observation",
)
# The company's buying-center settings, where administrators switch profiles on and off, name
# the feature by necessity; the profile content is searched there like everywhere else.
COMPANY_SETTINGS = ("/buying-center-settings", "/api/v1/buying-center-settings")
# Formats an export may be asked for besides the one its matrix case names.
EXPORT_FORMATS = ("csv", "xlsx", "pdf", "json")

# Persons without the permission, each in one language (the search terms cover both anyway).
WITHOUT_PERMISSION = [
    ("extended", "de"),
    ("teammate", "en"),
    ("manager", "de"),
    ("manager", "en"),
    ("admin", "en"),
    ("other_kam", "de"),
]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@cache
def profile_texts() -> set[str]:
    """Texts that only the stored profiles or their hints would put into an answer."""
    texts = {OBSERVATION, SECOND_OBSERVATION, "ZEBRA-OBSERVATION"}
    for language in ("en", "de"):
        with translation.override(language):
            for colour in (*COLOURS, SECOND["primary_colour"], SECOND["secondary_colour"]):
                hint = COLOUR_HINTS[colour]
                texts |= {str(hint.summary)} | {str(advice) for _heading, advice in hint.steps()}
            texts |= {str(MOTIVE_HINTS[m].appeal) for m in STRONGEST}
    return texts


@cache
def motive_words() -> set[str]:
    words = set()
    for language in ("en", "de"):
        with translation.override(language):
            words |= {str(MOTIVE_HINTS[m].label) for m in (*STRONGEST, *WEAKEST)}
    return words


def traces(text: str, *, section_words: bool = True) -> list[str]:
    """The search terms found in ``text`` (whitespace-insensitive for the long texts)."""
    squeezed = _squeeze(text)
    found = [t[:40] for t in profile_texts() if _squeeze(t) in squeezed]
    found += [w for w in motive_words() if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)]
    if section_words:
        found += [w for w in SECTION_WORDS if re.search(w, text, re.IGNORECASE)]
    return found


def _arrange(world) -> None:
    """The state every request meets; matrix URL builders may have changed it (they grant the
    teammate the permission for their own cases, and may add stakeholders, e.g. as participants
    of a meeting — these get a profile too, so that every page about a person has one to leak)."""
    enable_personality()
    PersonalityGrant.objects.filter(membership__account=world.account).delete()
    for stakeholder in Stakeholder.objects.filter(
        account=world.account, anonymised_at__isnull=True, personality__isnull=True
    ):
        PersonalityProfileFactory(
            stakeholder=stakeholder,
            primary_colour=COLOURS[0],
            secondary_colour=COLOURS[1],
            strongest_motives=list(STRONGEST),
            weakest_motives=list(WEAKEST),
            observations=OBSERVATION,
        )
    assert PersonalityProfile.objects.filter(stakeholder__account=world.account).count() >= 2


@pytest.fixture
def traced(world):
    """Profiles on, two profiles, the teammate granted, reading, and revoked — all through the
    services, so the timeline holds every kind of personality entry."""
    enable_personality()
    # Through the service, so the timeline also holds an entry everyone may see.
    second = stakeholder_create(
        actor=world.owner, account=world.account, first_name="Zora", last_name="Quast"
    )
    services.personality_profile_save(
        actor=world.owner,
        stakeholder=world.stakeholder,
        version=None,
        primary_colour=COLOURS[0],
        secondary_colour=COLOURS[1],
        strongest_motives=list(STRONGEST),
        weakest_motives=list(WEAKEST),
        observations=OBSERVATION,
    )
    services.personality_profile_save(
        actor=world.owner, stakeholder=second, version=None, observations=SECOND_OBSERVATION, **SECOND
    )
    grant = services.personality_grant_add(actor=world.owner, membership=world.teammate_membership)
    teammate = Client()
    teammate.force_login(world.teammate)
    assert teammate.get(reverse("personality:overview", args=[world.account.pk])).status_code == 200
    services.personality_grant_remove(actor=world.owner, grant=grant)
    return world


def _read(client, url) -> str:
    return answer_text(client.get(url))


def _with_format(url: str, fmt: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query)) | {"format": fmt}
    return urlunsplit(parts._replace(query=urlencode(query)))


def _answers(client, world, user):
    """(url, response) for every GET page and API operation, each from a state the matrix's URL
    builders set up. Each page runs in a savepoint rolled back afterwards: the builders create
    their objects anew for every case, so they must not meet those of the previous case."""
    for name in sorted(MATRIX):
        case = MATRIX[name]
        if case.method != "get":
            continue
        with transaction.atomic():
            url = case.url(world, user)
            _arrange(world)
            yield url, client.get(url)
            if "format=" in url:
                for fmt in EXPORT_FORMATS:
                    yield _with_format(url, fmt), client.get(_with_format(url, fmt))
            transaction.set_rollback(True)
    with transaction.atomic():
        # The persona's own export job, so that downloading it is one of the answers checked.
        job = job_create(actor=user, kind="accounts.export_csv", params={"language": user.language})
        run_job.call(str(job.pk))
        ids = world_ids(world, job)
        _arrange(world)
        for operation_id, (method, _path) in sorted(API_OPERATIONS.items()):
            if method == "GET":
                url = api_path(operation_id, **ids)
                yield url, client.get(url)
        transaction.set_rollback(True)


def test_the_owner_sees_everything_the_others_must_not(traced):
    """The control: the search terms are real, they occur where the permission allows."""
    world = traced
    client = Client()
    client.force_login(world.owner)
    views_before = PersonalityView.objects.count()

    overview = _read(client, reverse("personality:overview", args=[world.account.pk]))
    account_page = _read(client, reverse("accounts:detail", args=[world.account.pk]))
    timeline = _read(client, api_path("timeline_list", account_id=world.account.pk))
    profiles = _read(client, api_path("personality_profiles_list", account_id=world.account.pk))

    assert OBSERVATION in overview and SECOND_OBSERVATION in overview
    assert set(traces(overview)) >= {"Curiosity", "Vengeance", "Idealism", "Romance", "Physical activity"}
    red = str(COLOUR_HINTS["red"].prepare)
    assert red in overview and red in profiles
    assert "saved a personality profile" in account_page
    assert "granted the personality permission" in account_page
    assert "Tom Teich" in account_page  # the member the permission was granted to, nothing more
    assert '"personality.grant.remove"' in timeline and '"personality.profile.save"' in timeline
    assert OBSERVATION not in timeline and OBSERVATION not in account_page
    assert PersonalityView.objects.count() == views_before + 4  # two profiles, two reads


@pytest.mark.parametrize(("persona", "language"), WITHOUT_PERMISSION)
def test_no_page_api_answer_export_or_timeline_shows_a_trace_of_personality(traced, persona, language):
    world = traced
    user = world.persona(persona)
    user.language = language
    user.save()
    client = Client()
    client.force_login(user)
    views_before = PersonalityView.objects.count()

    found, logged = {}, []
    checked = 0
    for url, response in _answers(client, world, user):
        checked += 1
        text = answer_text(response).replace(url, "").replace(urlsplit(url).path, "")
        hits = traces(text, section_words=not url.startswith(COMPANY_SETTINGS))
        if hits:
            found[f"{url} ({response.status_code})"] = hits
        # Still inside the case's savepoint: a view logged by this request would be counted.
        if PersonalityView.objects.count() != views_before:
            logged.append(url)

    assert found == {}, f"Personality traces for {persona}: {found}"
    assert logged == [], f"Profiles read for {persona} (view log rows written): {logged}"
    assert checked > 100
    # The only rows are the teammate's, from the read while they held the permission.
    assert set(PersonalityView.objects.values_list("viewer", flat=True)) == {world.teammate.pk}


@pytest.mark.parametrize("persona", ["extended", "teammate", "manager"])
def test_the_timeline_hides_personality_entries_from_readers_without_the_permission(traced, persona):
    world = traced
    client = Client()
    client.force_login(world.persona(persona))

    page = _read(client, reverse("accounts:detail", args=[world.account.pk]))
    api = client.get(api_path("timeline_list", account_id=world.account.pk)).json()

    assert not traces(page)
    # The rest of the timeline is still there; only the personality entries are left out.
    assert [entry["action"] for entry in api] == ["stakeholder.create"]
    assert "Zora Quast" in page


def test_the_matrices_reach_the_personality_pages_and_operations_themselves():
    """The generic sweep covers this app too, so a leak on its own pages would show."""
    html = {name for name, case in MATRIX.items() if case.method == "get"}
    api = {op for op, (method, _path) in API_OPERATIONS.items() if method == "GET"}
    assert {"personality:overview", "personality:edit", "personality:access", "personality:log"} <= html
    assert {"personality_profiles_list", "personality_views_list", "timeline_list"} <= api
    assert "accounts:detail" in html

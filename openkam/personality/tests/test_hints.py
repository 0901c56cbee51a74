"""The communication hints: one for every colour and every motive, in English and German."""

import pytest
from django.utils import translation

from openkam.personality.choices import Colour, Motive
from openkam.personality.hints import COLOUR_HINTS, MOTIVE_HINTS, hints_for_profile

from .factories import PersonalityProfileFactory

STEPS = ("summary", "prepare", "open", "argue", "close", "avoid")


def _texts(language: str) -> dict[str, str]:
    with translation.override(language):
        texts = {f"{c}.{step}": str(getattr(h, step)) for c, h in COLOUR_HINTS.items() for step in STEPS}
        texts |= {f"{m}.appeal": str(h.appeal) for m, h in MOTIVE_HINTS.items()}
        texts |= {f"{c}.label": str(h.label) for c, h in COLOUR_HINTS.items()}
        texts |= {f"{m}.label": str(h.label) for m, h in MOTIVE_HINTS.items()}
    return texts


def test_every_colour_and_every_motive_has_a_hint():
    assert list(COLOUR_HINTS) == list(Colour.values)
    assert list(MOTIVE_HINTS) == list(Motive.values)
    assert all(h.colour == c for c, h in COLOUR_HINTS.items())
    assert all(h.motive == m for m, h in MOTIVE_HINTS.items())


def test_every_hint_is_written_in_english_and_in_german():
    english, german = _texts("en"), _texts("de")

    assert all(text.strip() for text in english.values())
    # Labels may be the same word in both languages (Orange, Status); advice never is.
    untranslated = sorted(k for k in english if german[k] == english[k] and not k.endswith(".label"))
    assert untranslated == []
    # Each piece of advice is its own text, not one repeated for another colour or motive.
    assert len(set(english.values())) == len(english)
    assert len(set(german.values())) == len(german)
    assert german["red.label"] == "Rot" and german["curiosity.label"] == "Neugier"


@pytest.mark.django_db
def test_the_hints_of_a_profile_come_dominant_colour_first_then_the_strongest_motives():
    profile = PersonalityProfileFactory.build(
        primary_colour="orange",
        secondary_colour="blue",
        strongest_motives=["status", "curiosity"],
        weakest_motives=["saving", "order"],
    )

    hints = hints_for_profile(profile)

    assert [h.colour for h in hints.colours] == ["orange", "blue"]
    assert [h.motive for h in hints.motives] == ["status", "curiosity"]
    assert [str(label) for label in hints.weak_motives] == ["Saving", "Order"]
    single = hints_for_profile(
        PersonalityProfileFactory.build(primary_colour="red", secondary_colour="", strongest_motives=[])
    )
    assert [h.colour for h in single.colours] == ["red"] and single.motives == []

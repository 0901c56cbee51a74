"""Finding and replacing a person's name in free text: the part of erasure that is not a DELETE.

What is recognised (case-insensitive, as whole words):

- the full name, ``First Last``, with any whitespace between, optionally preceded by titles;
- the last name preceded by at least one title or form of address (``Herr``, ``Herrn``, ``Frau``,
  ``Hr.``, ``Fr.``, ``Dr.``, ``Prof.``, ``Mr``, ``Mrs``, ``Ms``, with or without a dot);
- the e-mail address and the phone number exactly as stored on the stakeholder.

What is not: the first or the last name on its own (``Müller said …`` — the last name alone is
too often a word or another person's name), initials (``M. Müller``), nicknames, misspellings,
declined forms and other grammatical variants. docs/data-protection.md explains this limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from openkam.stakeholders.models import Stakeholder

# Forms of address and academic titles before a name. Dotted abbreviations may touch the name.
_TITLE = r"(?:(?:herrn?|frau|mrs?|ms|dr|prof)\s+|(?:hr|fr|mrs?|ms|dr|prof|dipl\.-ing)\.\s*)"
# Phone numbers shorter than this are too likely to match unrelated numbers.
_MIN_PHONE_DIGITS = 6


def _words(text: str) -> str:
    """``text`` as a pattern in which every run of whitespace matches any whitespace."""
    return r"\s+".join(re.escape(part) for part in text.split())


def _whole(pattern: str) -> str:
    return rf"(?<!\w){pattern}(?!\w)"


@dataclass(frozen=True)
class NameMatcher:
    """The patterns of one person, and the neutral label that replaces them."""

    pattern: re.Pattern | None
    label: str

    def find(self, text: str) -> bool:
        return bool(self.pattern and text and self.pattern.search(text))

    def replace(self, text: str) -> str:
        if not self.pattern or not text:
            return text
        return self.pattern.sub(self.label, text)

    def replace_in(self, value: Any) -> Any:
        """``value`` (a string, or JSON made of lists, dicts and scalars) with the person replaced."""
        if isinstance(value, str):
            return self.replace(value)
        if isinstance(value, list):
            return [self.replace_in(item) for item in value]
        if isinstance(value, dict):
            return {key: self.replace_in(item) for key, item in value.items()}
        return value


def matcher_for(stakeholder: Stakeholder, label: str) -> NameMatcher:
    """The patterns that find ``stakeholder`` in free text; ``label`` replaces what they find."""
    first, last = stakeholder.first_name.strip(), stakeholder.last_name.strip()
    alternatives = []
    if first and last:
        alternatives.append(_whole(rf"{_TITLE}*{_words(first)}\s+{_words(last)}"))
    if last:
        alternatives.append(_whole(rf"{_TITLE}+{_words(last)}"))
    if stakeholder.email.strip():
        alternatives.append(_whole(re.escape(stakeholder.email.strip())))
    phone = stakeholder.phone.strip()
    if sum(ch.isdigit() for ch in phone) >= _MIN_PHONE_DIGITS:
        alternatives.append(_whole(re.escape(phone)))
    if not alternatives:
        return NameMatcher(None, label)
    pattern = re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE)
    return NameMatcher(pattern, label)


def _in_installation_language(text_function) -> str:
    # The label is stored in texts and in the audit trail, which everybody reads in their own
    # language; it is written once, in the company's language (settings.LANGUAGE_CODE).
    with translation.override(settings.LANGUAGE_CODE):
        return text_function()


def anonymised_label(stakeholder_id: int) -> str:
    """The neutral name an anonymised stakeholder keeps (stored, in the company's language)."""
    return _in_installation_language(
        lambda: gettext("Anonymised stakeholder %(number)s") % {"number": stakeholder_id}
    )


def erased_label(stakeholder_id: int) -> str:
    """What stands where an erased stakeholder was named (stored, in the company's language)."""
    return _in_installation_language(
        lambda: gettext("Erased stakeholder #%(number)s") % {"number": stakeholder_id}
    )


def display_name(stakeholder: Stakeholder) -> str:
    """The stakeholder's name for a page, the label in the reader's language once anonymised."""
    if stakeholder.anonymised_at is not None:
        return gettext("Anonymised stakeholder %(number)s") % {"number": stakeholder.pk}
    return str(stakeholder)

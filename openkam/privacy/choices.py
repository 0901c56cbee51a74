"""Vocabulary of the privacy app."""

# Labels of this app's audit actions on the account timeline.
AUDIT_ACTIONS: dict = {}

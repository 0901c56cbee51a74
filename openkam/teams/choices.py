"""Vocabulary of the account team: the six account-management roles, member goals and the team's
information exchange (meeting cadence, meetings, decisions and actions)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccountRole(models.TextChoices):
    """The roles every account team has to cover; rarely does one person fill them all."""

    RELATIONSHIP_LEADER = "relationship_leader", _("Relationship leader")
    TECHNICAL_EXPERT = "technical_expert", _("Technical expert")
    COLLABORATOR = "collaborator", _("Collaborator")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    INNOVATOR = "innovator", _("Innovator")
    RESULTS_DRIVER = "results_driver", _("Results driver")


class GoalStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("member goal status", "Open")
    ON_TRACK = "on_track", pgettext_lazy("member goal status", "On track")
    AT_RISK = "at_risk", pgettext_lazy("member goal status", "At risk")
    ACHIEVED = "achieved", pgettext_lazy("member goal status", "Achieved")
    MISSED = "missed", pgettext_lazy("member goal status", "Missed")


class MeetingCadence(models.TextChoices):
    """How often the account team meets to exchange information."""

    MONTHLY = "monthly", pgettext_lazy("team cadence", "Monthly")
    QUARTERLY = "quarterly", pgettext_lazy("team cadence", "Quarterly")
    HALF_YEARLY = "half_yearly", pgettext_lazy("team cadence", "Half-yearly")


CADENCE_MONTHS = {MeetingCadence.MONTHLY: 1, MeetingCadence.QUARTERLY: 3, MeetingCadence.HALF_YEARLY: 6}


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", pgettext_lazy("team meeting format", "In-person team meeting")
    CALL = "call", pgettext_lazy("team meeting format", "Call")
    VIDEO = "video", pgettext_lazy("team meeting format", "Video conference")
    PLAN_WORKSHOP = "plan_workshop", pgettext_lazy("team meeting format", "Account-plan workshop")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("team meeting status", "Planned")
    HELD = "held", pgettext_lazy("team meeting status", "Held")
    CANCELLED = "cancelled", pgettext_lazy("team meeting status", "Cancelled")


class ActionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("team meeting action status", "Open")
    DONE = "done", pgettext_lazy("team meeting action status", "Done")
    DROPPED = "dropped", pgettext_lazy("team meeting action status", "Dropped")


#: The years goals and meetings may be about.
FIRST_YEAR = 2000
LAST_YEAR = 2100

#: The largest total of a member's bonus weights on one account in one year (per cent).
MAX_BONUS_WEIGHT_TOTAL = 100


# Labels of this app's audit actions on the account timeline (registered in apps.py).
AUDIT_ACTIONS = {
    "teams.role.assign": _("assigned an account-management role"),
    "teams.role.unassign": _("took back an account-management role"),
    "teams.goal.create": _("added a member goal"),
    "teams.goal.update": _("changed a member goal"),
    "teams.goal.delete": _("removed a member goal"),
    # Kept off the account timeline (no account id): only the goal's member, the KAM and
    # management may see bonus fields, and the timeline is open to the whole team.
    "teams.goal.bonus": _("changed the bonus terms of a member goal"),
    "teams.cadence.update": _("changed the team meeting cadence"),
    "teams.meeting.create": _("added a team meeting"),
    "teams.meeting.update": _("changed a team meeting"),
    "teams.meeting.delete": _("removed a team meeting"),
    "teams.decision.create": _("recorded a team decision"),
    "teams.decision.delete": _("removed a team decision"),
    "teams.action.create": _("added a team meeting action"),
    "teams.action.update": _("changed a team meeting action"),
    "teams.action.delete": _("removed a team meeting action"),
}

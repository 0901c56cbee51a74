from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openkam.accounts.models import KeyAccount
from openkam.core.locking import Versioned

from .choices import AccountRole, ActionStatus, GoalStatus, MeetingCadence, MeetingFormat, MeetingStatus


class RoleAssignment(models.Model):
    """One colleague covering one of the six account-management roles on an account.

    A role may be shared by several people and one person may cover several roles. The colleague
    is the account's KAM or a team member when assigned; one who has left the team since no longer
    covers the role (the coverage check says so).
    """

    account = models.ForeignKey(
        KeyAccount, verbose_name=_("key account"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("account-management role"), max_length=30, choices=AccountRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team member"),
        on_delete=models.CASCADE,
        related_name="account_role_assignments",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("account-management role")
        verbose_name_plural = _("account-management roles")
        ordering = ["role", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "role", "user"], name="teams_role_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user}"


class MemberGoal(Versioned):
    """A team member's own goal for the account in a year, possibly tied to their bonus."""

    account = models.ForeignKey(
        KeyAccount, verbose_name=_("key account"), on_delete=models.CASCADE, related_name="member_goals"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team member"),
        on_delete=models.CASCADE,
        related_name="account_goals",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(pgettext_lazy("member goal", "goal"), max_length=300)
    measure = models.CharField(
        _("measure"), max_length=200, blank=True, help_text=_("How reaching the goal is measured.")
    )
    target = models.CharField(pgettext_lazy("member goal", "target value"), max_length=100, blank=True)
    bonus_relevant = models.BooleanField(_("counts for the bonus"), default=False)
    bonus_weight = models.PositiveSmallIntegerField(
        _("bonus weight (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    status = models.CharField(_("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    result = models.TextField(_("result"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("member goal")
        verbose_name_plural = _("member goals")
        ordering = ["-year", "user__last_name", "pk"]

    def __str__(self) -> str:
        return self.title


class TeamCadence(Versioned):
    """How often the account team meets to exchange information, and how the year is laid out."""

    account = models.OneToOneField(
        KeyAccount, verbose_name=_("key account"), on_delete=models.CASCADE, related_name="team_cadence"
    )
    cadence = models.CharField(
        _("cadence"), max_length=20, choices=MeetingCadence.choices, default=MeetingCadence.QUARTERLY
    )
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("team meeting cadence")
        verbose_name_plural = _("team meeting cadences")

    def __str__(self) -> str:
        return self.get_cadence_display()


class TeamMeeting(Versioned):
    """A meeting of the account team (not with the customer): agenda before, minutes after."""

    account = models.ForeignKey(
        KeyAccount, verbose_name=_("key account"), on_delete=models.CASCADE, related_name="team_meetings"
    )
    date = models.DateField(_("date"))
    meeting_format = models.CharField(
        _("format"), max_length=20, choices=MeetingFormat.choices, default=MeetingFormat.CALL
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("participants"), blank=True, related_name="team_meetings"
    )
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("team meeting")
        verbose_name_plural = _("team meetings")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.title


class MeetingDecision(models.Model):
    """A decision the team took in a meeting."""

    meeting = models.ForeignKey(
        TeamMeeting, verbose_name=_("team meeting"), on_delete=models.CASCADE, related_name="decisions"
    )
    text = models.TextField(pgettext_lazy("team decision", "decision"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("team decision", "decision")
        verbose_name_plural = pgettext_lazy("team decision", "decisions")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:80]


class MeetingAction(Versioned):
    """Something a colleague agreed in a team meeting to do by a date; shown on their task list."""

    meeting = models.ForeignKey(
        TeamMeeting, verbose_name=_("team meeting"), on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(pgettext_lazy("team meeting action", "action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="team_meeting_actions",
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = pgettext_lazy("team meeting action", "action")
        verbose_name_plural = pgettext_lazy("team meeting action", "actions")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "status"], name="teams_action_owner_status_idx")]

    def __str__(self) -> str:
        return self.title

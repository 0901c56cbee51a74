from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openkam.accounts.models import KeyAccount
from openkam.core.locking import Versioned

from .catalog import TEMPLATE_CHOICES
from .choices import Letter


class RaciTask(Versioned):
    """A row of the account's RACI matrix: a task of the account team.

    ``template_key`` names the built-in template task it was created from (empty for the team's
    own tasks). Every change of a cell in the row bumps the task's ``version``, so two people
    editing the same row never overwrite each other. The rules of a row (exactly one Accountable,
    at least one Responsible, letters only for people on the team) are kept by the services.
    """

    account = models.ForeignKey(
        KeyAccount, verbose_name=_("key account"), on_delete=models.CASCADE, related_name="raci_tasks"
    )
    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    template_key = models.CharField(_("template"), max_length=50, blank=True, choices=TEMPLATE_CHOICES)
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("RACI task")
        verbose_name_plural = _("RACI tasks")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class RaciAssignment(models.Model):
    """A cell of the RACI matrix: the letter one colleague has for one task.

    An empty cell has no row. A colleague who has left the team keeps their letters until the
    team hands them on (the matrix flags them).
    """

    task = models.ForeignKey(
        RaciTask, verbose_name=_("RACI task"), on_delete=models.CASCADE, related_name="assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team member"),
        on_delete=models.CASCADE,
        related_name="raci_assignments",
    )
    letter = models.CharField(_("RACI role"), max_length=1, choices=Letter.choices)

    class Meta:
        verbose_name = _("RACI assignment")
        verbose_name_plural = _("RACI assignments")
        constraints = [models.UniqueConstraint(fields=["task", "user"], name="raci_one_letter_per_cell")]

    def __str__(self) -> str:
        return f"{self.task}: {self.user.get_full_name() or self.user.get_username()} = {self.letter}"

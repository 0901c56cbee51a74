from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from openkam.core.locking import Versioned

from .choices import AnswerStatus, Category

TEXT_MAX = 500
HELP_MAX = 1000
ANSWER_MAX = 4000
REASON_MAX = 300


def _german() -> bool:
    return (get_language() or "de").startswith("de")


class Question(Versioned):
    """A question of the growth-plan question bank, in English and German.

    ``key`` is stable for the life of an installation: the shipped questions are installed by key
    (``question_bank.install_default_questions``), the API addresses questions by it, and frozen
    plan versions record it. Questions are never deleted — one that is no longer wanted is
    deactivated, so the answers given to it stay readable.
    """

    key = models.SlugField(
        _("key"),
        max_length=80,
        unique=True,
        help_text=_("Stable identifier used by the API and in frozen plan versions."),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text_en = models.CharField(_("question (English)"), max_length=TEXT_MAX)
    text_de = models.CharField(_("question (German)"), max_length=TEXT_MAX)
    help_en = models.TextField(
        _("help (English)"), max_length=HELP_MAX, blank=True, validators=[MaxLengthValidator(HELP_MAX)]
    )
    help_de = models.TextField(
        _("help (German)"), max_length=HELP_MAX, blank=True, validators=[MaxLengthValidator(HELP_MAX)]
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("growth-plan question")
        verbose_name_plural = _("growth-plan questions")
        ordering = ["category", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The question in the active language (German or English)."""
        return self.text_de if _german() else self.text_en

    @property
    def help(self) -> str:
        return self.help_de if _german() else self.help_en


class Answer(Versioned):
    """How one account plan deals with one question: answered, not applicable, or still to be
    researched (then ``action`` is the research action of the plan).

    A question nobody has touched has no row; it counts as open. ``against_fit`` marks an answer
    that speaks against treating the customer as a key account at all.
    """

    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("account plan"), on_delete=models.CASCADE, related_name="growth_answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AnswerStatus.choices, default=AnswerStatus.OPEN
    )
    text = models.TextField(
        _("answer"), max_length=ANSWER_MAX, blank=True, validators=[MaxLengthValidator(ANSWER_MAX)]
    )
    not_applicable_reason = models.CharField(_("why it does not apply"), max_length=REASON_MAX, blank=True)
    against_fit = models.BooleanField(_("speaks against KAM fit"), default=False)
    action = models.ForeignKey(
        "plans.Action",
        verbose_name=_("research action"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="growth_answers",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("growth-plan answer")
        verbose_name_plural = _("growth-plan answers")
        constraints = [models.UniqueConstraint(fields=["plan", "question"], name="unique_growth_answer")]

    def __str__(self) -> str:
        text = self.question.text
        return text if len(text) <= 120 else text[:119] + "…"

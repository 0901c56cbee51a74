"""Key-account selection: scoring models, manual ratings and the stored evidence of each run.

Scoring models and rating criteria are configuration that administrators and the head of KAM
change over time; a ``SelectionRun`` freezes the configuration it used next to
its results (``snapshot``), so a decision taken on a run can be explained later even when the
models have changed since. Runs and their results are never edited once done.
"""

import uuid
from datetime import date

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from openkam.core.models import Job
from openkam.sales.models import Customer

from .choices import (
    CriterionSource,
    Direction,
    MissingPolicy,
    ModelPurpose,
    Normalisation,
    RunStatus,
)


class RatingCriterion(models.Model):
    """A property of a customer that people rate on a scale, such as fit or logo attractiveness.

    The ledger cannot know these; administrators or the head of KAM define the criterion and
    enter a ``CustomerRating`` per customer. ``key`` names the criterion in scoring models and
    the API and never changes once ratings exist.
    """

    key = models.CharField(
        _("key"),
        max_length=30,
        unique=True,
        validators=[
            RegexValidator(
                r"^[a-z][a-z0-9_]*$",
                _("Use lower-case letters, digits and underscores, starting with a letter."),
            )
        ],
        help_text=_("Short identifier for scoring models and the API, e.g. 'fit'."),
    )
    label_de = models.CharField(_("label (German)"), max_length=120)
    label_en = models.CharField(_("label (English)"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    scale_min = models.SmallIntegerField(_("scale minimum"), default=1)
    scale_max = models.SmallIntegerField(_("scale maximum"), default=5)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("rating criterion")
        verbose_name_plural = _("rating criteria")
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale_max__gt=models.F("scale_min")), name="rating_scale_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The label in the active language (German for German, English otherwise)."""
        return self.label_de if (get_language() or "de").startswith("de") else self.label_en


class CustomerRating(models.Model):
    """One person's rating of one customer on one rating criterion (one per customer and criterion)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="ratings"
    )
    criterion = models.ForeignKey(
        RatingCriterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="ratings"
    )
    value = models.DecimalField(_("rating"), max_digits=7, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rated_at = models.DateTimeField(_("rated at"))

    class Meta:
        verbose_name = _("customer rating")
        verbose_name_plural = _("customer ratings")
        ordering = ["customer", "criterion__key"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "criterion"], name="unique_rating_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.customer.name}: {self.criterion.key} = {self.value}"


class ScoringModel(models.Model):
    """A weighted scoring model: ordered criteria with weights, directions and normalisation.

    ``purpose`` says what the score is used for — ranking candidates, or the attractiveness or
    position axis of the portfolio matrix. Several models may exist per purpose; a run names the
    ones it used and keeps a copy of them.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=ModelPurpose.choices, default=ModelPurpose.RANKING
    )
    active = models.BooleanField(_("active"), default=True)
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
        verbose_name = _("scoring model")
        verbose_name_plural = _("scoring models")
        ordering = ["purpose", "name"]

    def __str__(self) -> str:
        return self.name


class ScoringCriterion(models.Model):
    """One criterion of a scoring model: a ledger metric or a rating criterion, with its weight.

    Weights are relative (the score uses each weight's share of the total). ``scale_min`` and
    ``scale_max`` bound the ``scale`` normalisation; for ratings they default to the rating
    criterion's scale.
    """

    model = models.ForeignKey(
        ScoringModel, verbose_name=_("scoring model"), on_delete=models.CASCADE, related_name="criteria"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    source = models.CharField(_("source"), max_length=10, choices=CriterionSource.choices)
    metric = models.CharField(_("metric"), max_length=40, blank=True)
    rating_criterion = models.ForeignKey(
        RatingCriterion,
        verbose_name=_("rating criterion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scoring_criteria",
    )
    weight = models.DecimalField(_("weight"), max_digits=8, decimal_places=2)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    normalisation = models.CharField(
        _("normalisation"), max_length=10, choices=Normalisation.choices, default=Normalisation.MINMAX
    )
    scale_min = models.DecimalField(
        _("scale minimum"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    scale_max = models.DecimalField(
        _("scale maximum"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    missing = models.CharField(
        _("missing values"), max_length=10, choices=MissingPolicy.choices, default=MissingPolicy.WORST
    )

    class Meta:
        verbose_name = _("scoring criterion")
        verbose_name_plural = _("scoring criteria")
        ordering = ["model", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="scoring_weight_positive"),
            models.CheckConstraint(
                condition=(
                    models.Q(source="metric", rating_criterion__isnull=True)
                    | models.Q(source="rating", rating_criterion__isnull=False)
                ),
                name="scoring_source_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model.name}: {self.key}"

    @property
    def key(self) -> str:
        """The column this criterion reads: the metric's key or ``rating_<key>``."""
        if self.source == CriterionSource.RATING:
            return f"rating_{self.rating_criterion.key}"
        return self.metric


class SelectionRun(models.Model):
    """One execution of the selection procedures on the ledger as of a date: the decision's evidence.

    ``snapshot`` is a frozen copy of every model, criterion, weight, cut-off, threshold and
    sensitivity setting used; ``summary`` holds the counts, the CLV fit (parameters,
    log-likelihoods, convergence) and notes such as skipped customers; ``whitespace`` the
    product-group pivot of the top customers. Once ``status`` is done, nothing changes any more.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    as_of = models.DateField(_("as of"))
    fiscal_years = models.JSONField(_("fiscal years"), default=list)
    snapshot = models.JSONField(_("settings used"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    job = models.ForeignKey(
        Job, verbose_name=_("job"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(_("error"), blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    whitespace = models.JSONField(_("whitespace"), default=dict, blank=True)
    result_count = models.PositiveIntegerField(_("candidates"), default=0)

    class Meta:
        verbose_name = _("selection run")
        verbose_name_plural = _("selection runs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.as_of:%Y-%m-%d} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_done(self) -> bool:
        return self.status == RunStatus.DONE

    @property
    def period_start(self) -> date | None:
        """The first day of the period the run's revenue, margin and orders cover."""
        value = self.snapshot.get("period_start")
        return date.fromisoformat(value) if value else None

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class SelectionResult(models.Model):
    """What every procedure of one run says about one customer.

    Ranks are competition ranks over all customers of the run (1 = best). Sensitivity fields are
    filled for the customers the sensitivity analysis covered (the top of the ranking), portfolio
    fields when the run had attractiveness and position models, CLV fields when the fit worked.
    """

    run = models.ForeignKey(
        SelectionRun, verbose_name=_("selection run"), on_delete=models.CASCADE, related_name="results"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="selection_results"
    )
    customer_number = models.CharField(_("customer number"), max_length=40)
    revenue = models.DecimalField(_("net revenue"), max_digits=18, decimal_places=2)
    margin = models.DecimalField(_("contribution margin"), max_digits=18, decimal_places=2)
    growth = models.FloatField(_("growth"), null=True, blank=True)
    abc_class = models.CharField(_("ABC class"), max_length=1)
    abc_rank = models.PositiveIntegerField(_("value rank"))
    abc_share = models.FloatField(_("share"))
    abc_cumulative_share = models.FloatField(_("cumulative share"))
    score = models.FloatField(_("score"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    contributions = models.JSONField(_("contributions"), default=dict, blank=True)
    criterion_values = models.JSONField(_("criterion values"), default=dict, blank=True)
    missing = models.JSONField(_("missing criteria"), default=list, blank=True)
    best_rank = models.PositiveIntegerField(_("best rank"), null=True, blank=True)
    worst_rank = models.PositiveIntegerField(_("worst rank"), null=True, blank=True)
    median_rank = models.FloatField(_("median rank"), null=True, blank=True)
    p05_rank = models.FloatField(_("5th percentile rank"), null=True, blank=True)
    p95_rank = models.FloatField(_("95th percentile rank"), null=True, blank=True)
    top_share = models.FloatField(_("share of draws in the top"), null=True, blank=True)
    robust = models.BooleanField(_("robust"), null=True, blank=True)
    sensitive_to = models.CharField(_("depends on"), max_length=70, blank=True)
    sensitive_share = models.FloatField(_("share of the rank variance"), null=True, blank=True)
    attractiveness = models.FloatField(_("attractiveness"), null=True, blank=True)
    position = models.FloatField(_("position"), null=True, blank=True)
    # A key of openkam.analytics.portfolio.QUADRANTS, which carries the labels and strategies.
    quadrant = models.CharField(_("quadrant"), max_length=12, blank=True)
    probability_alive = models.FloatField(_("probability alive"), null=True, blank=True)
    expected_purchases = models.FloatField(_("expected purchases (12 months)"), null=True, blank=True)
    expected_spend = models.DecimalField(
        _("expected spend (12 months)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    clv = models.DecimalField(
        _("customer lifetime value"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    clv_rank = models.PositiveIntegerField(_("CLV rank"), null=True, blank=True)

    class Meta:
        verbose_name = _("selection result")
        verbose_name_plural = _("selection results")
        ordering = ["run", "rank", "abc_rank"]
        constraints = [models.UniqueConstraint(fields=["run", "customer"], name="unique_result_per_customer")]
        indexes = [
            models.Index(fields=["run", "rank"], name="result_run_rank"),
            models.Index(fields=["run", "abc_rank"], name="result_run_abc"),
            models.Index(fields=["run", "clv_rank"], name="result_run_clv"),
            models.Index(fields=["run", "quadrant"], name="result_run_quadrant"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id} {self.customer_number}"

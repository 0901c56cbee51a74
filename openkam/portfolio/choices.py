from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ModelPurpose(models.TextChoices):
    """What a scoring model scores: the candidate ranking, or one axis of the portfolio matrix."""

    RANKING = "ranking", _("Candidate ranking")
    ATTRACTIVENESS = "attractiveness", _("Customer attractiveness")
    POSITION = "position", _("Our position")


class CriterionSource(models.TextChoices):
    METRIC = "metric", _("Ledger metric")
    RATING = "rating", _("Manual rating")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Normalisation(models.TextChoices):
    """How raw values become comparable 0–1 scores (see docs/selection.md)."""

    MINMAX = "minmax", _("Min–max (share of the range)")
    RANK = "rank", _("Rank (percentile)")
    ZSCORE = "zscore", _("z-score (standard deviations)")
    SCALE = "scale", _("Fixed scale (e.g. 1–5)")


class MissingPolicy(models.TextChoices):
    WORST = "worst", _("Count as the worst value")
    NEUTRAL = "neutral", _("Count as the middle of the scale")


class RunStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("selection run status", "Queued")
    RUNNING = "running", pgettext_lazy("selection run status", "Running")
    DONE = "done", pgettext_lazy("selection run status", "Done")
    FAILED = "failed", pgettext_lazy("selection run status", "Failed")


class AbcValue(models.TextChoices):
    REVENUE = "revenue", _("Net revenue")
    MARGIN = "margin", _("Contribution margin")


class ExportList(models.TextChoices):
    """The lists of the selection pages that can be exported."""

    RUNS = "runs", _("Selection runs")
    MODELS = "models", _("Scoring models")
    RESULTS = "results", _("Ranked candidates")
    ABC = "abc", _("ABC analysis")
    MATRIX = "matrix", _("Portfolio matrix")
    CLV = "clv", _("Customer value")
    COMPARE = "compare", _("Comparison of the procedures")


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    CSV = "csv", "CSV"


class CompareBy(models.TextChoices):
    """The procedure whose top candidates the comparison view lists."""

    SCORE = "score", _("Scoring rank")
    ABC = "abc", _("ABC (value rank)")
    QUADRANT = "quadrant", _("Portfolio matrix")
    CLV = "clv", _("Customer lifetime value")


# How the audit trail names this app's changes (registered with core in PortfolioConfig.ready).
AUDIT_ACTIONS = {
    "rating.set": _("rated the customer"),
    "rating.clear": _("removed a rating"),
    "rating_criterion.create": _("created a rating criterion"),
    "rating_criterion.update": _("changed a rating criterion"),
    "rating_criterion.delete": _("deleted a rating criterion"),
    "scoring_model.create": _("created a scoring model"),
    "scoring_model.update": _("changed a scoring model"),
    "scoring_model.delete": _("deleted a scoring model"),
    "selection.start": _("started a selection run"),
    "selection.done": _("finished a selection run"),
    "selection.fail": _("a selection run failed"),
}

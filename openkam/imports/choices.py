from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportKind(models.TextChoices):
    """What a file holds: invoice lines of the sales ledger, or the customer master."""

    LEDGER = "ledger", _("Sales ledger")
    CUSTOMERS = "customers", _("Customer master")


class ImportStatus(models.TextChoices):
    """uploaded → queued → running → succeeded | rejected (validation errors) | failed (unexpected)."""

    UPLOADED = "uploaded", pgettext_lazy("import status", "Uploaded")
    QUEUED = "queued", pgettext_lazy("import status", "Queued")
    RUNNING = "running", pgettext_lazy("import status", "Running")
    SUCCEEDED = "succeeded", pgettext_lazy("import status", "Imported")
    REJECTED = "rejected", pgettext_lazy("import status", "Rejected")
    FAILED = "failed", pgettext_lazy("import status", "Failed")


FINISHED_STATUSES = frozenset({ImportStatus.SUCCEEDED, ImportStatus.REJECTED, ImportStatus.FAILED})


class ImportSource(models.TextChoices):
    """How the file came in."""

    UPLOAD = "upload", pgettext_lazy("import source", "Upload")
    API = "api", pgettext_lazy("import source", "API")
    COMMAND = "command", pgettext_lazy("import source", "Command")
    DEMO = "demo", pgettext_lazy("import source", "Demo company")


class FileFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    PARQUET = "parquet", "Parquet"


class Encoding(models.TextChoices):
    """Text encodings of CSV files; an empty value means "detect"."""

    UTF8 = "utf-8", "UTF-8"
    UTF8_BOM = "utf-8-sig", _("UTF-8 with BOM")
    CP1252 = "cp1252", _("Windows-1252 (ANSI)")
    UTF16 = "utf-16", "UTF-16"


class Delimiter(models.TextChoices):
    SEMICOLON = ";", _("Semicolon ( ; )")
    COMMA = ",", _("Comma ( , )")
    TAB = "\t", _("Tab")
    PIPE = "|", _("Vertical bar ( | )")


class DecimalSeparator(models.TextChoices):
    COMMA = ",", _("Comma (1.234,56)")
    POINT = ".", _("Point (1,234.56)")


class ThousandsSeparator(models.TextChoices):
    """Digit grouping. Numbers without grouping are always accepted as well."""

    POINT = ".", _("Point (1.234)")
    COMMA = ",", _("Comma (1,234)")
    SPACE = " ", _("Space (1 234)")
    APOSTROPHE = "'", _("Apostrophe (1'234)")
    NONE = "none", _("None")


class DateFormat(models.TextChoices):
    """strftime patterns of the date formats we read; ISO dates are always accepted besides."""

    GERMAN = "%d.%m.%Y", _("DD.MM.YYYY (31.12.2025)")
    ISO = "%Y-%m-%d", _("YYYY-MM-DD (2025-12-31)")
    GERMAN_SHORT = "%d.%m.%y", _("DD.MM.YY (31.12.25)")
    SLASH_DMY = "%d/%m/%Y", _("DD/MM/YYYY (31/12/2025)")
    SLASH_MDY = "%m/%d/%Y", _("MM/DD/YYYY (12/31/2025)")
    DASH_DMY = "%d-%m-%Y", _("DD-MM-YYYY (31-12-2025)")
    COMPACT = "%Y%m%d", _("YYYYMMDD (20251231)")


def date_format_label(pattern: str) -> str:
    """The pattern as people write it (``%d.%m.%Y`` → ``DD.MM.YYYY``), for messages."""
    return (
        pattern.replace("%d", "DD")
        .replace("%m", "MM")
        .replace("%Y", "YYYY")
        .replace("%y", "YY")
        .replace("%H", "hh")
        .replace("%M", "mm")
    )


# How the audit trail names this app's changes (registered with core in ImportsConfig.ready).
AUDIT_ACTIONS = {
    "import.queue": _("queued an import"),
    "import.succeed": _("imported a file"),
    "import.reject": _("an import was rejected"),
    "import.fail": _("an import failed"),
    "profile.create": _("created a mapping profile"),
    "profile.update": _("changed a mapping profile"),
    "profile.delete": _("deleted a mapping profile"),
    "customer.update": _("updated the customer from the customer master"),
}

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import (
    DateFormat,
    DecimalSeparator,
    Delimiter,
    Encoding,
    FileFormat,
    ImportKind,
    ImportSource,
    ImportStatus,
    ThousandsSeparator,
)


class MappingProfile(models.Model):
    """How the files of one source system read and which column fills which OpenKAM field.

    ``mapping`` is ``{target field: source column}``. Empty format options mean "detect"
    (delimiter, encoding, decimal separator, date format) or "the usual grouping for the decimal
    separator" (thousands separator); ``sheet_name`` empty = the first sheet of a workbook.
    """

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    source_system = models.CharField(_("source system"), max_length=100, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=2, choices=Delimiter.choices, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, choices=Encoding.choices, blank=True)
    decimal_separator = models.CharField(
        _("decimal separator"), max_length=1, choices=DecimalSeparator.choices, blank=True
    )
    thousands_separator = models.CharField(
        _("thousands separator"), max_length=4, choices=ThousandsSeparator.choices, blank=True
    )
    date_format = models.CharField(_("date format"), max_length=20, choices=DateFormat.choices, blank=True)
    sheet_name = models.CharField(_("sheet"), max_length=100, blank=True)
    default_currency = models.CharField(_("default currency"), max_length=3, default="EUR")
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
        verbose_name = _("mapping profile")
        verbose_name_plural = _("mapping profiles")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="unique_profile_per_kind")]

    def __str__(self) -> str:
        return self.name

    def format_options(self) -> dict[str, str]:
        """The format options as stored with an import (``readers.FormatOptions`` fields)."""
        return {
            "delimiter": self.delimiter,
            "encoding": self.encoding,
            "decimal_separator": self.decimal_separator,
            "thousands_separator": self.thousands_separator,
            "date_format": self.date_format,
            "sheet_name": self.sheet_name,
            "default_currency": self.default_currency,
        }


class ImportRun(models.Model):
    """One file imported (or refused): where it is, what was detected, how it was read, what happened.

    Status: uploaded → queued → running → succeeded | rejected (the file has invalid values; nothing
    was imported) | failed (an unexpected error; nothing was imported). ``mapping`` and ``options``
    are snapshots of what the import used, so a later change of the profile does not rewrite
    history. For ledger imports ``ledger_file`` is the committed Parquet file (relative to
    ``OPENKAM_DATA_DIR`` when inside it); only succeeded runs make their file part of the ledger.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    source = models.CharField(
        _("source"), max_length=20, choices=ImportSource.choices, default=ImportSource.UPLOAD
    )
    original_name = models.CharField(_("file name"), max_length=255)
    stored_path = models.CharField(_("stored file"), max_length=500, blank=True)
    size = models.BigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    file_format = models.CharField(_("format"), max_length=10, choices=FileFormat.choices, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=2, blank=True)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    options = models.JSONField(_("format options"), default=dict, blank=True)
    profile = models.ForeignKey(
        MappingProfile,
        verbose_name=_("mapping profile"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imports",
    )
    job = models.ForeignKey(
        "core.Job", verbose_name=_("job"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rows_read = models.BigIntegerField(_("rows read"), default=0)
    rows_imported = models.BigIntegerField(_("rows imported"), default=0)
    error_count = models.BigIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("first errors"), default=list, blank=True)
    report_path = models.CharField(_("error report"), max_length=500, blank=True)
    ledger_file = models.CharField(_("ledger file"), max_length=500, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "status", "finished_at"], name="import_kind_status")]
        constraints = [
            # The same file cannot be imported twice, even by two imports committing at once.
            models.UniqueConstraint(
                fields=["kind", "sha256"],
                condition=Q(status=ImportStatus.SUCCEEDED),
                name="unique_succeeded_file",
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.REJECTED, ImportStatus.FAILED)

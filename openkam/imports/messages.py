"""Sentences for refused files and rejected values, in the active language.

Readers and validation report codes with parameters; the text is chosen here when it is shown,
so a German head of KAM reads German reasons for an import an English colleague started.
"""

from __future__ import annotations

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def refusal_message(code: str, params: dict | None = None) -> str:
    """Why a whole file cannot be imported (``readers.FileRefused`` and the services' refusals)."""
    p = dict(params or {})
    for key in ("limit", "size"):
        if key in p and code in ("too_large", "zip_too_large"):
            p[key] = filesizeformat(p[key])
    messages = {
        "empty": _("The file is empty."),
        "too_large": _("The file is larger than the limit of %(limit)s."),
        "xls": _(
            "This is an old Excel file (.xls) or an encrypted workbook. Save it as .xlsx or CSV and upload it again."
        ),
        "compressed": _(
            "Compressed files are not accepted. Unpack the archive and upload the CSV, XLSX or Parquet file in it."
        ),
        "unknown_format": _("The file is not a CSV, XLSX or Parquet file."),
        "binary": _("The file contains binary data, not text: it is not a CSV file."),
        "undecodable": _("The file's characters can be read neither as UTF-8 nor as Windows-1252."),
        "line_too_long": _("A line is longer than %(limit)s bytes: the file is not a table."),
        "no_header": _("The file has no header row."),
        "no_rows": _("The file has a header but no data rows."),
        "too_many_columns": _("The file has %(count)s columns; at most %(limit)s are accepted."),
        "cell_too_long": _("A header cell is longer than %(limit)s characters."),
        "bad_xlsx": _("The file is not a readable Excel workbook (XLSX)."),
        "zip_members": _("The workbook consists of %(count)s parts; at most %(limit)s are accepted."),
        "zip_too_large": _("The workbook unpacks to %(size)s, more than the limit of %(limit)s."),
        "zip_ratio": _(
            "A part of the workbook (%(name)s) is compressed more than %(limit)s times: the file looks like a "
            "zip bomb and is refused."
        ),
        "encrypted": _("The workbook is encrypted. Remove the password and upload it again."),
        "xml_dtd": _(
            "The workbook contains a document type declaration (%(name)s). Spreadsheet programs do not write "
            "them; such files are refused for safety."
        ),
        "no_sheet": _("The workbook has no sheet named “%(name)s”."),
        "too_many_rows": _("The sheet claims more than %(limit)s rows."),
        "bad_parquet": _("The Parquet file cannot be read."),
        "duplicate_file": _("This file was imported already: %(earlier)s."),
    }
    text = messages.get(code, _("The file cannot be imported."))
    try:
        return text % p
    except (KeyError, TypeError, ValueError):
        return text


def reason_text(code: str, param: str | None = None) -> str:
    """Why one value was rejected, e.g. "not a date in the format DD.MM.YYYY"."""
    reasons = {
        "required": _("required value missing"),
        "too_long": _("longer than %(param)s characters"),
        "date_format": _("not a date in the format %(param)s"),
        "date_range": _("not a plausible date (year outside 1900–2100)"),
        "number": _("not a number"),
        "decimals": _("more than %(param)s decimal places"),
        "too_large": _("number too large"),
        "currency": _("not a currency code of three letters (EUR)"),
        "country": _("not an ISO 3166 country code of two letters (DE)"),
        "margin_mismatch": _("cost and contribution margin do not add up to the net revenue"),
        "customer_unknown": _("customer number not in the customer master"),
        "duplicate_line": _("duplicate invoice line in the file (first in row %(param)s)"),
        "already_imported": _("already imported (invoice line exists in import %(param)s)"),
        "duplicate_customer": _(
            "customer number appears more than once in the file (first in row %(param)s)"
        ),
        "parent_unknown": _("parent company neither in the file nor in the customer master"),
        "parent_cycle": _("the parent companies form a cycle (%(param)s)"),
        "too_many_fields": _("the row has more fields than the header (%(param)s)"),
        "too_few_fields": _("the row has fewer fields than the header (%(param)s)"),
        "bad_quotes": _("a quotation mark is not closed, or a field has stray quotation marks"),
        "line_too_long": _("the line is longer than %(param)s bytes"),
        "bad_encoding": _("the line contains characters that cannot be read"),
        "unreadable": _("the row cannot be read"),
    }
    text = reasons.get(code, code)
    if "%(param)s" in text:
        return text % {"param": param if param is not None else "?"}
    return text

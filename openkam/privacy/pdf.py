"""The PDF of a person's data: the export's sections rendered by WeasyPrint.

The HTML comes from a template filled with user content; ``openkam.core.pdf`` renders it without
fetching anything a text could point to.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from openkam.core.pdf import html_to_pdf

from .collectors import Section

PDF_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm; @bottom-right { content: counter(page) " / " counter(pages);
  font-size: 8pt; color: #556070; } }
body { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 9pt; color: #1b2430; }
h1 { font-size: 15pt; margin: 0 0 2mm; }
h2 { font-size: 11pt; margin: 6mm 0 2mm; border-bottom: 0.5pt solid #dde2e8; padding-bottom: 1mm; }
p.meta, p.note { color: #556070; margin: 0 0 2mm; }
table { width: 100%; border-collapse: collapse; table-layout: auto; }
th, td { text-align: left; vertical-align: top; padding: 1mm 1.5mm; border-bottom: 0.3pt solid #dde2e8;
  overflow-wrap: anywhere; }
th { font-weight: bold; background: #f3f5f8; }
.fields th { width: 32%; background: none; }
tr { page-break-inside: avoid; }
"""


def export_html(sections: list[Section], *, title: str, subtitle: str) -> str:
    """The HTML the PDF is made from, in the active language."""
    return render_to_string(
        "privacy/export_pdf.html", {"sections": sections, "title": title, "subtitle": subtitle}
    )


def render_pdf(sections: list[Section], *, title: str, subtitle: str) -> bytes:
    """The sections as an A4 PDF, in the active language."""
    return html_to_pdf(export_html(sections, title=title, subtitle=subtitle), css=PDF_CSS)

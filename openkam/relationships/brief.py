"""The meeting brief as a PDF, written by WeasyPrint from the brief's HTML template.

The brief holds text people typed (titles, topics, names), so the renderer must never fetch
anything: ``RefusingFetcher`` refuses every URL (no images, stylesheets or fonts from the
network or the file system), the stylesheet is passed in as a string, and there is no base URL.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from openkam.core.pdf import html_to_pdf

from .selectors import MeetingBrief

# A4 with room for a punched margin; the page shows the same content with the app's styles.
PDF_CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 18mm;
        @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #555; } }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 9pt; color: #111; }
h1 { font-size: 15pt; margin: 0 0 2mm; }
h2 { font-size: 11pt; margin: 5mm 0 2mm; border-bottom: 0.4pt solid #999; }
h3 { font-size: 10pt; margin: 3mm 0 1mm; }
table { width: 100%; border-collapse: collapse; margin-bottom: 2mm; }
th, td { text-align: left; vertical-align: top; padding: 1mm 1.5mm; border-bottom: 0.3pt solid #ccc; }
th { font-weight: bold; background: #f2f2f2; }
.participant { page-break-inside: avoid; border: 0.4pt solid #bbb; padding: 2mm 3mm; margin-bottom: 3mm; }
.facts { margin: 0; }
.facts div { display: inline-block; margin: 0 4mm 1mm 0; }
.facts dt { display: inline; font-weight: bold; }
.facts dd { display: inline; margin: 0; }
.small, .meta { color: #444; font-size: 8pt; }
.badge { border: 0.4pt solid #777; border-radius: 2pt; padding: 0 1mm; font-size: 8pt; }
.no-print { display: none; }
ul { margin: 0; padding-left: 4mm; }
"""


def brief_pdf(brief: MeetingBrief, *, request=None) -> bytes:
    """The one-page brief of a planned meeting as a PDF (in the request's language)."""
    html = render_to_string(
        "relationships/brief_pdf.html", {"brief": brief, "contact": brief.contact}, request
    )
    return html_to_pdf(html, css=PDF_CSS)

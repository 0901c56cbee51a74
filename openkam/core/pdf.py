"""PDF documents from our HTML templates, rendered by WeasyPrint without loading anything.

The HTML is filled with user content (names, notes, topics), so WeasyPrint must never fetch what
a text could point to (SSRF, local files): the URL fetcher refuses every URL, and each document's
stylesheet is passed inline. WeasyPrint is imported inside the functions: importing it parses its
default stylesheets, which every management command and worker would otherwise pay for.
"""

from __future__ import annotations


def refusing_fetcher():
    """A WeasyPrint URL fetcher that fetches nothing; its ``refused`` lists what was asked for."""
    from weasyprint.urls import URLFetcher

    class RefusingFetcher(URLFetcher):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            self.refused.append(url)
            raise ValueError(f"External resources are not loaded: {url}")

    return RefusingFetcher()


def html_to_pdf(html: str, *, css: str, fetcher=None) -> bytes:
    """Render ``html`` with the stylesheet ``css`` to PDF bytes, loading no external resource."""
    from weasyprint import CSS, HTML

    fetcher = fetcher or refusing_fetcher()
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(string=css, url_fetcher=fetcher)]
    )

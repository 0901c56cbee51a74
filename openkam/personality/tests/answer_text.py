"""The readable text of an HTTP answer, whatever its format, for the no-trace checks.

HTML, JSON, CSV and SVG are text; XLSX, DOCX and PPTX are ZIP archives of XML; PDFs (WeasyPrint)
keep their text as glyph codes that the fonts' ToUnicode maps turn back into characters. The
PDF reader is deliberately small: it decodes every text-showing string with every ToUnicode map
in the file, so the right map yields the real text of each run and the others yield noise that
no search term matches.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
import zlib

_STREAM = re.compile(rb"<<(?P<dict>(?:(?!>>\s*stream).)*?)>>\s*stream\r?\n", re.S)
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
_HEX_IN_TEXT = re.compile(rb"\[(?P<array>[^\]]*)\]\s*TJ|<(?P<hex>[0-9A-Fa-f\s]*)>\s*Tj")
_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")


def _streams(data: bytes) -> list[bytes]:
    found = []
    for match in _STREAM.finditer(data):
        length = _LENGTH.search(match.group("dict"))
        if length is None:
            continue
        raw = data[match.end() : match.end() + int(length.group(1))]
        if b"/FlateDecode" in match.group("dict"):
            try:
                raw = zlib.decompress(raw)
            except zlib.error:
                continue
        found.append(raw)
    return found


def _unicode(hex_text: bytes) -> str:
    digits = re.sub(rb"\s", b"", hex_text)
    return bytes.fromhex(digits.decode()).decode("utf-16-be", errors="replace")


def _cmap(stream: bytes) -> dict[bytes, str]:
    """Glyph code (hex, upper case) → text of one ToUnicode map."""
    mapping: dict[bytes, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            mapping[code.upper()] = _unicode(text)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for start, end, target in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])", block
        ):
            width = len(start)
            first, last = int(start, 16), int(end, 16)
            if target.startswith(b"["):
                texts = [_unicode(t) for t in _HEX.findall(target)]
            else:
                base = int(target[1:-1], 16)
                texts = [chr(base + i) for i in range(last - first + 1)]
            for i, text in zip(range(first, last + 1), texts, strict=False):
                mapping[f"{i:0{width}X}".encode()] = text
    return mapping


def pdf_text(data: bytes) -> str:
    """The text of a PDF, decoded with each of its fonts' maps (see the module docstring)."""
    streams = _streams(data)
    cmaps = [_cmap(s) for s in streams if b"beginbfchar" in s or b"beginbfrange" in s]
    runs: list[bytes] = []
    for stream in streams:
        for match in _HEX_IN_TEXT.finditer(stream):
            parts = (
                _HEX.findall(match.group("array"))
                if match.group("array") is not None
                else [match.group("hex")]
            )
            runs.append(b"".join(re.sub(rb"\s", b"", p) for p in parts).upper())
    texts = []
    for cmap in cmaps:
        width = len(next(iter(cmap), b"0000"))
        decoded = []
        for run in runs:
            decoded.append("".join(cmap.get(run[i : i + width], "\ufffd") for i in range(0, len(run), width)))
        texts.append(" ".join(decoded))
    return "\n".join(texts)


def answer_text(response) -> str:
    """Everything a person could read in ``response`` (a Django test client response)."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if data.startswith(b"%PDF"):
        return pdf_text(data)
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
        return html.unescape("\n".join(parts))
    if "image/png" in content_type:
        return ""  # charts as pictures carry no text we could search; their SVG twins do
    return html.unescape(data.decode("utf-8", "replace"))

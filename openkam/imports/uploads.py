"""Receiving import files: an upload handler that stops oversized uploads, and local copies.

Files are written straight into the upload folder while they arrive, hashed on the way, so a
2 GiB upload is neither held in memory nor copied again afterwards. An upload larger than
``OPENKAM_IMPORT_MAX_BYTES`` is stopped as soon as it passes the limit (or at once when the
request announces a larger body) and what arrived is deleted.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from . import conf
from .permissions import can_import

FIELD_NAME = "file"
# Multipart framing and the form fields around the file.
ENVELOPE_BYTES = 1024**2


@dataclass
class StoredFile:
    """A file in the upload folder, its SHA-256 and size; the import that adopts it owns it."""

    path: Path
    sha256: str
    size: int

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


class FileTooLarge(Exception):
    """The file is larger than ``OPENKAM_IMPORT_MAX_BYTES``."""

    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


def new_upload_path(suffix: str = "") -> Path:
    folder = conf.upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{uuid.uuid4().hex}{suffix.lower()[:10]}"


def _suffix(name: str) -> str:
    suffix = Path(name).suffix
    return suffix if suffix.lower() in (".csv", ".txt", ".tsv", ".xlsx", ".parquet") else ""


class StoredUpload(UploadedFile):
    """The uploaded file as it lies in the upload folder (``stored`` says where and what)."""

    def __init__(self, stored: StoredFile, name: str, content_type: str, charset):
        super().__init__(stored.path.open("rb"), name, content_type, stored.size, charset)
        self.stored = stored
        self.adopted = False

    def close(self):
        # Django closes uploaded files at the end of the request; a file no import adopted
        # (refused upload, invalid form) must not stay behind.
        try:
            return super().close()
        finally:
            if not self.adopted:
                self.stored.discard()


class ImportUploadHandler(FileUploadHandler):
    """Stream the file field ``file`` into the upload folder, hashing it, up to the size limit.

    Install it before anything reads the request body (``install``). It stores nothing for a
    person who may not import. ``exceeded`` tells the view that the upload was stopped.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = conf.max_bytes()
        self.exceeded = False
        self.denied = False
        self._handle = None
        self._path: Path | None = None
        self._hash = None
        self._size = 0
        self._done = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # Returning (POST, FILES) here means "handled": Django reads none of the body.
        if not can_import(getattr(self.request, "user", None)):
            self.denied = True
            return QueryDict(encoding=encoding), MultiValueDict()
        if content_length and content_length > self.limit + ENVELOPE_BYTES:
            self.exceeded = True
            return QueryDict(encoding=encoding), MultiValueDict()
        return None

    def new_file(
        self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None
    ):
        if field_name != FIELD_NAME or self._done or self._handle is not None:
            raise SkipFile
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        self._path = new_upload_path(_suffix(file_name or ""))
        self._handle = self._path.open("wb")
        self._hash = hashlib.sha256()
        self._size = 0

    def receive_data_chunk(self, raw_data, start):
        if self._handle is None:
            return raw_data
        self._size += len(raw_data)
        if self._size > self.limit:
            self.exceeded = True
            self._abort()
            raise StopUpload(connection_reset=True)
        self._hash.update(raw_data)
        self._handle.write(raw_data)
        return None

    def file_complete(self, file_size):
        if self._handle is None:
            return None
        self._handle.close()
        self._handle = None
        self._done = True
        stored = StoredFile(path=self._path, sha256=self._hash.hexdigest(), size=self._size)
        return StoredUpload(stored, self.file_name, self.content_type, self.charset)

    def upload_interrupted(self):
        self._abort()

    def _abort(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if self._path is not None and not self._done:
            self._path.unlink(missing_ok=True)


def install(request) -> ImportUploadHandler:
    """Put the import handler first on ``request``; the body must not have been read yet."""
    handler = ImportUploadHandler(request)
    request.upload_handlers = [handler]
    return handler


def store_local_file(source: Path) -> StoredFile:
    """Bring a local file (``manage.py import_ledger``) into the upload folder, hashing it.

    A hard link costs nothing when both are on one file system; otherwise the file is copied.
    Raises FileTooLarge beyond ``OPENKAM_IMPORT_MAX_BYTES`` and OSError for unreadable files.
    """
    limit = conf.max_bytes()
    if source.stat().st_size > limit:
        raise FileTooLarge(limit)
    target = new_upload_path(_suffix(source.name))
    digest = hashlib.sha256()
    size = 0
    try:
        try:
            os.link(source, target)
            linked = True
        except OSError:
            linked = False
        with source.open("rb") as handle:
            out = None if linked else target.open("wb")
            try:
                while chunk := handle.read(4 * 1024**2):
                    size += len(chunk)
                    if size > limit:
                        raise FileTooLarge(limit)
                    digest.update(chunk)
                    if out is not None:
                        out.write(chunk)
            finally:
                if out is not None:
                    out.close()
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return StoredFile(path=target, sha256=digest.hexdigest(), size=size)

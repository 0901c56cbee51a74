"""Registry of background job kinds.

Apps register a handler per kind in their ``jobs.py`` (imported from ``AppConfig.ready``). A
handler receives the job and a ``progress(percent, message)`` callback and returns
``(path_of_result_file, download_name)`` or ``("", "")`` when it produces no file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

Progress = Callable[[int, str], None]
Handler = Callable[..., tuple[str, str]]


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str | Promise
    handler: Handler


_KINDS: dict[str, JobKind] = {}


def register(name: str, label: str | Promise) -> Callable[[Handler], Handler]:
    def decorator(handler: Handler) -> Handler:
        _KINDS[name] = JobKind(name=name, label=label, handler=handler)
        return handler

    return decorator


def job_kind(name: str) -> JobKind:
    return _KINDS[name]

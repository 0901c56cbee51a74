"""Access to imports and mapping profiles: the head of KAM (management) and administrators only.

Imports change the customer master and the ledger every selection is computed from, so they
are a matter of the whole customer base (docs/permissions.md). For everybody else the import
pages and API operations do not exist: one answer, 404, like for an object that does not exist.
Views, the API, jobs and the downloads load runs and profiles only through these helpers.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from openkam.users.choices import Role

from .models import ImportRun, MappingProfile


def can_import(user) -> bool:
    """Whether ``user`` may see and start imports and maintain mapping profiles."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.role in (Role.MANAGEMENT, Role.ADMIN)
    )


def require_import_access(user) -> None:
    """Raise Http404 for anyone who may not import: for them the import pages do not exist."""
    if not can_import(user):
        raise Http404


def imports_visible_to(user) -> QuerySet[ImportRun]:
    """Every import ``user`` may see: all of them for management and administrators, else none."""
    if not can_import(user):
        return ImportRun.objects.none()
    return ImportRun.objects.all()


def get_import_for_user(user, pk) -> ImportRun:
    """The import with its profile, job and creator, or Http404 if missing or not visible."""
    return get_object_or_404(imports_visible_to(user).select_related("profile", "job", "created_by"), pk=pk)


def profiles_visible_to(user) -> QuerySet[MappingProfile]:
    if not can_import(user):
        return MappingProfile.objects.none()
    return MappingProfile.objects.all()


def get_profile_for_user(user, pk) -> MappingProfile:
    """The mapping profile, or Http404 if missing or not visible."""
    return get_object_or_404(profiles_visible_to(user), pk=pk)

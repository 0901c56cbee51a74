"""Writes of the users app: people, their language and their API tokens."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openkam.core.services import apply_changes, audit_record

from .choices import Language, Role
from .models import ApiToken, User


def _require_admin(actor: User) -> None:
    if actor.role != Role.ADMIN:
        raise PermissionDenied(_("Only administrators manage users."))


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    role: str = Role.MEMBER,
    language: str = Language.GERMAN,
    job_title: str = "",
    check_password: bool = True,
) -> User:
    """Create a user. ``actor=None`` is the system (demo generator, first administrator).

    Raises ValidationError for a taken user name or a password the policy refuses.
    """
    if actor is not None:
        _require_admin(actor)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is already taken.")})
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=role,
        language=language,
        job_title=job_title,
    )
    if password:
        if check_password:
            validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor,
        action="user.create",
        target=user,
        changes={"username": username, "role": role},
    )
    return user


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    job_title: str,
    is_active: bool,
) -> User:
    """Change a user's master data or role (administrators only).

    An administrator cannot take away their own administrator role or deactivate themselves,
    so a company never locks itself out.
    """
    _require_admin(actor)
    if user.pk == actor.pk and (role != Role.ADMIN or not is_active):
        raise ValidationError({"role": _("You cannot remove your own administrator access.")})
    diff = apply_changes(
        user,
        {
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "role": role,
            "job_title": job_title,
            "is_active": is_active,
        },
    )
    if diff:
        user.full_clean(exclude=["password"])
        user.save()
        audit_record(actor=actor, action="user.update", target=user, changes=diff)
    return user


@transaction.atomic
def user_set_language(*, actor: User, language: str) -> User:
    """Set the language the user sees OpenKAM in."""
    if language not in Language.values:
        raise ValidationError({"language": _("Choose German or English.")})
    diff = apply_changes(actor, {"language": language})
    if diff:
        actor.save(update_fields=["language"])
        audit_record(actor=actor, action="user.language", target=actor, changes=diff)
    return actor


@transaction.atomic
def api_token_create(*, actor: User, name: str, days_valid: int | None = 365) -> tuple[ApiToken, str]:
    """Create an API token for ``actor``; returns the row and the raw token (shown once)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    if actor.api_tokens.count() >= 20:
        raise ValidationError({"name": _("You have too many tokens; revoke one first.")})
    raw = "okam_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name[:100],
        prefix=raw[:12],
        token_hash=ApiToken.hash(raw),
        expires_at=timezone.now() + timedelta(days=days_valid) if days_valid else None,
    )
    audit_record(actor=actor, action="token.create", target=token, changes={"name": token.name})
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    """Delete one of the actor's own tokens."""
    if token.user_id != actor.pk:
        raise PermissionDenied
    audit_record(actor=actor, action="token.revoke", target=token, changes={"name": token.name})
    token.delete()

"""Reads of the users app."""

from django.db.models import QuerySet
from django.utils import timezone

from .models import ApiToken, User


def user_for_api_token(raw: str) -> User | None:
    """The active user a raw API token belongs to, or None. Records when the token was last used."""
    if not raw or not raw.startswith("okam_"):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=ApiToken.hash(raw), user__is_active=True)
        .first()
    )
    if token is None or (token.expires_at and token.expires_at < timezone.now()):
        return None
    now = timezone.now()
    # Writing on every request would serialise API calls on SQLite; once a minute is enough.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def users_for_admin() -> QuerySet[User]:
    return User.objects.order_by("last_name", "first_name", "username")


def assignable_users() -> QuerySet[User]:
    """People who can join an account team: active KAMs and team members."""
    return User.objects.filter(is_active=True, role__in=["kam", "member"]).order_by("last_name", "first_name")

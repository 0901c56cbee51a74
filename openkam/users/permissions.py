"""Access to user administration and to a person's own tokens."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from .choices import Role
from .models import ApiToken, User


def require_admin(user) -> None:
    """Raise Http404 for anyone but an administrator: the user pages do not exist for them."""
    if not user.is_authenticated or user.role != Role.ADMIN:
        raise Http404


def get_user_for_admin(actor, pk: int) -> User:
    require_admin(actor)
    return get_object_or_404(User, pk=pk)


def get_token_for_user(user, pk: int) -> ApiToken:
    return get_object_or_404(ApiToken, pk=pk, user=user)

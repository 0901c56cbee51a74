"""API operations on the signed-in person (see openkam/api.py for authentication and errors)."""

from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from openkam.core.api import PatchSchema, with_errors

from .choices import Language, Role
from .services import user_set_language

router = Router(tags=["me"])


class MeOut(Schema):
    id: int
    username: str
    name: str
    role: Role
    language: Language

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)


class MePatch(PatchSchema):
    language: Language | None = None


@router.get(
    "",
    response=with_errors({200: MeOut}, 401),
    operation_id="me_get",
    summary=_("Show your profile"),
)
def me_get(request):
    return request.auth


@router.patch(
    "",
    response=with_errors({200: MeOut}, 401, 422),
    operation_id="me_update",
    summary=_("Change your language"),
)
def me_update(request, payload: MePatch):
    """The language of the screens, messages and exports; fields left out stay unchanged."""
    user = request.auth
    if payload.language is not None:
        user = user_set_language(actor=user, language=payload.language)
    return user

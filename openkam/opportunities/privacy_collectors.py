"""The opportunities' part of a stakeholder's data export: the buying decisions they take part in
(loaded by ``openkam.privacy`` at start-up, see ``openkam/privacy/collectors.py``)."""

from django.utils.translation import gettext as _

from openkam.privacy.collectors import ExportContext, Section, register
from openkam.stakeholders.choices import BuyingRole

from .models import DecisionParticipant


@register("opportunity_decisions", order=60)
def decisions_section(context: ExportContext) -> Section:
    """Every opportunity whose buying center names the person, with their roles and our note."""
    labels = dict(BuyingRole.choices)
    participations = (
        DecisionParticipant.objects.filter(stakeholder=context.stakeholder)
        .select_related("opportunity")
        .order_by("opportunity__expected_close", "pk")
    )
    return Section(
        key="opportunity_decisions",
        title=_("Roles in buying decisions of opportunities"),
        columns=[
            ("opportunity", _("Opportunity")),
            ("stage", _("Stage")),
            ("roles", _("Roles in this decision")),
            ("note", _("Note")),
        ],
        rows=[
            {
                "opportunity": p.opportunity.title,
                "stage": p.opportunity.get_stage_display(),
                "roles": [str(labels.get(role, role)) for role in p.roles],
                "note": p.note,
            }
            for p in participations
        ],
    )

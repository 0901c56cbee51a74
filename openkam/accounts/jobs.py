"""Background jobs of the accounts app."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openkam.core.exporters import write_csv
from openkam.core.jobs import register

from .selectors import AccountFilter, accounts_for_list


@register("accounts.export_csv", gettext_lazy("Export of key accounts (CSV)"))
def export_accounts_csv(job, progress):
    """Export the accounts the job's creator may see — loaded through the same access path as the list."""
    user = job.created_by
    language = job.params.get("language", user.language)
    filters = AccountFilter(
        query=job.params.get("query", ""),
        account_type=job.params.get("account_type", ""),
        status=job.params.get("status", ""),
        owner_id=job.params.get("owner_id"),
        mine=bool(job.params.get("mine")),
    )
    with translation.override(language):
        accounts = list(accounts_for_list(user, filters))
        progress(30, _("%(count)s accounts selected") % {"count": len(accounts)})
        header = [
            _("Customer number"),
            _("Customer"),
            _("Type"),
            _("Status"),
            _("Key account manager"),
            _("Team size"),
            _("Stakeholders"),
            _("Last revenue"),
            _("Designated since"),
        ]
        rows = (
            [
                a.customer.number,
                a.customer.name,
                a.get_account_type_display(),
                a.get_status_display(),
                str(a.owner),
                a.team_size,
                a.stakeholder_count,
                a.last_revenue,
                a.designated_since.isoformat(),
            ]
            for a in accounts
        )
        path = settings.OPENKAM_EXPORT_DIR / f"{job.pk}.csv"
        write_csv(path, header, rows, language=language)
        progress(90, _("File written"))
        return str(path), _("key-accounts.csv")

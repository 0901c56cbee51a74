"""Pages of the data-protection duties for the stakeholders of a key account.

The status page and a page per person are open to the account's team; the owner and the core
team record that a person was informed; the owner exports, anonymises, erases and decides about
retention (``openkam.privacy.permissions``). Management and administrators who are not on the
team get 404. Messages never name the person: they end up in the session.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from openkam.core.forms import add_service_errors, submit_to_service

from . import services
from .choices import INFORMATION_DEADLINE_DAYS, InformationChannel, RetentionState
from .collectors import export_document
from .erasure import ANONYMISE, ERASE, erasure_preview
from .forms import ConfirmForm, InformationRecordForm, RetentionKeepForm
from .pdf import render_pdf
from .permissions import (
    can_manage_privacy,
    can_record_information,
    get_privacy_account,
    get_privacy_stakeholder,
    get_retention_flag,
    require,
)
from .scrub import display_name
from .selectors import information_records_for, privacy_status


def _page(request, account, **context) -> dict:
    return {
        "account": account,
        "account_section": "stakeholders",
        "active_nav": "accounts",
        "can_record": can_record_information(request.user, account),
        "can_manage": can_manage_privacy(request.user, account),
        "deadline_days": INFORMATION_DEADLINE_DAYS,
        **context,
    }


@login_required
@require_GET
def overview(request, account_pk):
    account = get_privacy_account(request.user, account_pk)
    rows = privacy_status(account)
    return render(
        request,
        "privacy/overview.html",
        _page(
            request,
            account,
            rows=rows,
            flagged=[row for row in rows if row.retention == RetentionState.FLAGGED],
            overdue=sum(row.information_overdue for row in rows),
        ),
    )


@login_required
@require_GET
def person(request, account_pk, pk):
    stakeholder = get_privacy_stakeholder(request.user, account_pk, pk)
    account = stakeholder.account
    return render(
        request,
        "privacy/person.html",
        _page(
            request,
            account,
            stakeholder=stakeholder,
            status=privacy_status(account, stakeholder=stakeholder)[0],
            records=information_records_for(stakeholder),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def informed_create(request, account_pk, pk):
    stakeholder = get_privacy_stakeholder(request.user, account_pk, pk)
    account = stakeholder.account
    require(can_record_information(request.user, account))
    form = InformationRecordForm(
        request.POST or None,
        initial={"informed_on": timezone.localdate(), "channel": InformationChannel.LETTER},
    )
    if submit_to_service(
        request,
        form,
        services.information_record_create,
        stakeholder=stakeholder,
        success=_("The information of the person is recorded."),
    ):
        return redirect("privacy:person", account.pk, stakeholder.pk)
    return render(
        request,
        "privacy/form.html",
        _page(
            request,
            account,
            stakeholder=stakeholder,
            form=form,
            title=_("Record that %(name)s was informed") % {"name": display_name(stakeholder)},
            intro=_(
                "Stakeholders did not give us their data themselves, so they must be told that we store "
                "it, why and for how long — at the latest within a month (Art. 14 GDPR)."
            ),
        ),
    )


def _owned_stakeholder(request, account_pk, pk):
    stakeholder = get_privacy_stakeholder(request.user, account_pk, pk)
    require(can_manage_privacy(request.user, stakeholder.account))
    return stakeholder


def _download_name(stakeholder, extension: str) -> str:
    # The person's id, not their name: file names end up in logs and download folders.
    return f"personal-data-{stakeholder.pk}-{timezone.localdate():%Y%m%d}.{extension}"


@login_required
@require_GET
def export_json(request, account_pk, pk):
    stakeholder = _owned_stakeholder(request, account_pk, pk)
    sections = services.personal_data_export(actor=request.user, stakeholder=stakeholder)
    response = JsonResponse(
        export_document(stakeholder, sections), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="{_download_name(stakeholder, "json")}"'
    return response


@login_required
@require_GET
def export_pdf(request, account_pk, pk):
    stakeholder = _owned_stakeholder(request, account_pk, pk)
    sections = services.personal_data_export(actor=request.user, stakeholder=stakeholder)
    pdf = render_pdf(
        sections,
        title=_("Personal data of %(name)s") % {"name": display_name(stakeholder)},
        subtitle=_("Key account %(account)s · as of %(date)s")
        % {
            "account": stakeholder.account.customer.name,
            "date": formats.date_format(timezone.localdate(), "SHORT_DATE_FORMAT"),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_download_name(stakeholder, "pdf")}"'
    return response


def _erasure(request, account_pk, pk, *, mode: str):
    stakeholder = _owned_stakeholder(request, account_pk, pk)
    account = stakeholder.account
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        service = services.stakeholder_anonymise if mode == ANONYMISE else services.stakeholder_erase
        try:
            service(actor=request.user, stakeholder=stakeholder)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if mode == ANONYMISE:
                messages.success(request, _("The stakeholder is anonymised."))
                return redirect("privacy:person", account.pk, stakeholder.pk)
            messages.success(request, _("The stakeholder and all data about them are erased."))
            return redirect("privacy:overview", account.pk)
    name = display_name(stakeholder)
    return render(
        request,
        "privacy/confirm.html",
        _page(
            request,
            account,
            stakeholder=stakeholder,
            form=form,
            mode=mode,
            preview=erasure_preview(stakeholder, mode),
            already=mode == ANONYMISE and stakeholder.anonymised_at is not None,
            title=(_("Anonymise %(name)s") if mode == ANONYMISE else _("Erase %(name)s")) % {"name": name},
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def anonymise(request, account_pk, pk):
    return _erasure(request, account_pk, pk, mode=ANONYMISE)


@login_required
@require_http_methods(["GET", "POST"])
def erase(request, account_pk, pk):
    return _erasure(request, account_pk, pk, mode=ERASE)


@login_required
@require_http_methods(["GET", "POST"])
def retention_keep(request, account_pk, pk):
    flag = get_retention_flag(request.user, account_pk, pk)
    stakeholder = flag.stakeholder
    account = stakeholder.account
    require(can_manage_privacy(request.user, account))
    form = RetentionKeepForm(
        request.POST or None, initial={"keep_reason": flag.keep_reason, "version": flag.version}
    )
    if submit_to_service(
        request,
        form,
        services.retention_keep,
        flag=flag,
        success=_("The stakeholder is kept for another retention period."),
    ):
        return redirect("privacy:overview", account.pk)
    return render(
        request,
        "privacy/form.html",
        _page(
            request,
            account,
            stakeholder=stakeholder,
            flag=flag,
            form=form,
            title=_("Keep %(name)s") % {"name": display_name(stakeholder)},
            intro=_(
                "Nobody has had contact with this person for longer than the retention period. Keep the "
                "data only if it is still needed for a purpose you can name."
            ),
        ),
    )

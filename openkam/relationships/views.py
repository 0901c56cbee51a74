"""Pages of the "Relationships" section of a key account: the contact log with follow-up actions
and counterparts, the meeting brief, the relationship plan and the touchpoint plan.

Everyone who may see the account reads; the owner and the core team change
(``can_work_on_account``; others get 403 and see no buttons). The owner of a follow-up action
may tick it off.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkam.accounts.permissions import get_account_for_user
from openkam.core.forms import add_service_errors, submit_to_service
from openkam.core.locking import EditConflict
from openkam.stakeholders.models import Stakeholder
from openkam.users.models import User

from . import exports, selectors, services
from .brief import brief_pdf
from .choices import BRIEF_CHANNEL, FIRST_YEAR, LAST_YEAR, QUARTERS, Cadence, ContactStatus, TouchpointStatus
from .forms import (
    ContactEditForm,
    ContactFilterForm,
    ContactForm,
    CounterpartForm,
    FollowUpDoneForm,
    FollowUpEditForm,
    FollowUpForm,
    RelationshipLinkEditForm,
    RelationshipLinkForm,
    TouchpointEditForm,
    TouchpointForm,
    YearForm,
)
from .permissions import (
    can_complete_follow_up,
    can_work_on_account,
    get_contact_for_user,
    get_follow_up_for_user,
    get_link_for_user,
    get_touchpoint_for_user,
    require,
)

CONTACTS_PER_PAGE = 50


def _page(request, account, tab: str, **context) -> dict:
    return {
        "account": account,
        "account_section": "relationships",
        "relationships_tab": tab,
        "active_nav": "accounts",
        "can_edit": can_work_on_account(request.user, account),
        **context,
    }


def _form_page(request, account, form, *, tab, title, back, intro="", delete_url=None, delete_question=""):
    return render(
        request,
        "relationships/form.html",
        _page(
            request,
            account,
            tab,
            form=form,
            title=title,
            back=back,
            intro=intro,
            delete_url=delete_url,
            delete_question=delete_question,
        ),
    )


def _year(request, default: int) -> int:
    form = YearForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        raise Http404
    return (form.cleaned_data.get("year") if form.is_bound else None) or default


def _preselected_stakeholder(request, account) -> int | None:
    """The stakeholder a link asks to preselect (``?stakeholder=<id>``, e.g. from a coverage
    alert), if it is a person of this account who may be added."""
    value = request.GET.get("stakeholder", "")
    if not value.isdigit():
        return None
    return selectors.stakeholder_choices(account).filter(pk=int(value)).values_list("pk", flat=True).first()


def _with_current(rows, model, pks):
    """``rows`` plus the objects already chosen (people who left the team, anonymised people)."""
    return model.objects.filter(Q(pk__in=rows.values("pk")) | Q(pk__in=list(pks))).order_by(
        "last_name", "first_name", "pk"
    )


# The contact log --------------------------------------------------------------------------------


@login_required
@require_GET
def overview(request, account_pk):
    """The contact log: newest first, filtered by status, with each stakeholder's last contact."""
    account = get_account_for_user(request.user, account_pk)
    form = ContactFilterForm(request.GET or None)
    status = form.status_value()
    page = Paginator(selectors.contacts_for_account(account, status=status), CONTACTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "relationships/contacts.html",
        _page(
            request,
            account,
            "contacts",
            form=form,
            page=page,
            contacts=page.object_list,
            status=status,
            stakeholders=selectors.stakeholder_choices(account).only(
                "pk", "first_name", "last_name", "function", "last_contact_on"
            ),
            today=selectors.today(),
        ),
    )


def _contact_url(contact) -> str:
    return reverse("relationships:contact-detail", args=[contact.account_id, contact.pk])


@login_required
@require_GET
def contact_detail(request, account_pk, pk):
    contact = selectors.contact_for_page(get_contact_for_user(request.user, account_pk, pk))
    account = contact.account
    counterparts = {c.stakeholder_id: c.user for c in contact.counterparts.all()}
    return render(
        request,
        "relationships/contact_detail.html",
        _page(
            request,
            account,
            "contacts",
            contact=contact,
            customer_rows=[(s, counterparts.get(s.pk)) for s in contact.stakeholders.all()],
            today=selectors.today(),
            can_complete={f.pk for f in contact.follow_ups.all() if f.owner_id == request.user.pk},
        ),
    )


def _contact_intro():
    return _(
        "Log a meeting, call or visit that took place, or plan one to prepare it with a meeting brief. "
        "Held contacts update each customer participant's last contact."
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    require(can_work_on_account(request.user, account))
    participants = selectors.participant_choices(account)
    planned = request.GET.get("status") == ContactStatus.PLANNED
    initial = {
        "status": ContactStatus.PLANNED if planned else ContactStatus.HELD,
        "date": selectors.today(),
        "participants": [request.user.pk],
    }
    if stakeholder := _preselected_stakeholder(request, account):
        initial["stakeholders"] = [stakeholder]
    form = ContactForm(
        request.POST or None,
        initial=initial,
        stakeholders=selectors.stakeholder_choices(account),
        participants=participants,
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(actor=request.user, account=account, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Contact saved."))
            return redirect(_contact_url(contact))
    return _form_page(
        request,
        account,
        form,
        tab="contacts",
        title=_("Plan a contact") if planned else _("Log a contact"),
        back=reverse("relationships:overview", args=[account.pk]),
        intro=_contact_intro(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request, account_pk, pk):
    contact = get_contact_for_user(request.user, account_pk, pk)
    account = contact.account
    require(can_work_on_account(request.user, account))
    stakeholder_ids = list(contact.stakeholders.values_list("pk", flat=True))
    participant_ids = list(contact.participants.values_list("pk", flat=True))
    initial = {f: getattr(contact, f) for f in services.CONTACT_FIELDS} | {
        "version": contact.version,
        "stakeholders": stakeholder_ids,
        "participants": participant_ids,
    }
    form = ContactEditForm(
        request.POST or None,
        initial=initial,
        stakeholders=_with_current(selectors.stakeholder_choices(account), Stakeholder, stakeholder_ids),
        participants=_with_current(selectors.participant_choices(account), User, participant_ids),
    )
    if submit_to_service(
        request, form, services.contact_update, contact=contact, success=_("Contact saved.")
    ):
        return redirect(_contact_url(contact))
    return _form_page(
        request,
        account,
        form,
        tab="contacts",
        title=_("Edit contact"),
        back=_contact_url(contact),
        intro=_contact_intro(),
        delete_url=reverse("relationships:contact-delete", args=[account.pk, contact.pk]),
        delete_question=_("Remove this contact with its follow-up actions?"),
    )


@login_required
@require_POST
def contact_delete(request, account_pk, pk):
    contact = get_contact_for_user(request.user, account_pk, pk)
    require(can_work_on_account(request.user, contact.account))
    services.contact_delete(actor=request.user, contact=contact)
    messages.success(request, _("Contact removed."))
    return redirect("relationships:overview", contact.account.pk)


# Follow-up actions --------------------------------------------------------------------------------


def _owners(account, keep=None):
    owners = selectors.participant_choices(account)
    return _with_current(owners, User, [keep]) if keep else owners


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_create(request, account_pk, contact_pk):
    contact = get_contact_for_user(request.user, account_pk, contact_pk)
    account = contact.account
    require(can_work_on_account(request.user, account))
    form = FollowUpForm(request.POST or None, owners=_owners(account))
    if submit_to_service(
        request, form, services.follow_up_create, contact=contact, success=_("Follow-up action added.")
    ):
        return redirect(_contact_url(contact))
    return _form_page(
        request,
        account,
        form,
        tab="contacts",
        title=_("Add a follow-up action"),
        back=_contact_url(contact),
        intro=contact.title,
    )


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_edit(request, account_pk, contact_pk, pk):
    follow_up = get_follow_up_for_user(request.user, account_pk, contact_pk, pk)
    contact = follow_up.contact
    account = contact.account
    require(can_work_on_account(request.user, account))
    initial = {f: getattr(follow_up, f) for f in services.FOLLOW_UP_FIELDS} | {"version": follow_up.version}
    form = FollowUpEditForm(
        request.POST or None, initial=initial, owners=_owners(account, follow_up.owner_id)
    )
    if submit_to_service(
        request, form, services.follow_up_update, follow_up=follow_up, success=_("Follow-up action saved.")
    ):
        return redirect(_contact_url(contact))
    return _form_page(
        request,
        account,
        form,
        tab="contacts",
        title=_("Edit follow-up action"),
        back=_contact_url(contact),
        intro=contact.title,
        delete_url=reverse("relationships:follow-up-delete", args=[account.pk, contact.pk, follow_up.pk]),
        delete_question=_("Remove this follow-up action?"),
    )


@login_required
@require_POST
def follow_up_done(request, account_pk, contact_pk, pk):
    """Tick a follow-up action off (or on again): its owner or anyone who works on the account."""
    follow_up = get_follow_up_for_user(request.user, account_pk, contact_pk, pk)
    require(can_complete_follow_up(request.user, follow_up))
    form = FollowUpDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The follow-up action could not be changed."))
    else:
        try:
            services.follow_up_update(
                actor=request.user,
                follow_up=follow_up,
                version=form.cleaned_data["version"],
                done=form.cleaned_data["done"],
            )
        except EditConflict:
            messages.error(
                request,
                _("Someone else changed this follow-up action in the meantime. Check it and try again."),
            )
        else:
            messages.success(request, _("Follow-up action saved."))
    return redirect(_contact_url(follow_up.contact))


@login_required
@require_POST
def follow_up_delete(request, account_pk, contact_pk, pk):
    follow_up = get_follow_up_for_user(request.user, account_pk, contact_pk, pk)
    require(can_work_on_account(request.user, follow_up.contact.account))
    services.follow_up_delete(actor=request.user, follow_up=follow_up)
    messages.success(request, _("Follow-up action removed."))
    return redirect(_contact_url(follow_up.contact))


# Counterparts and the meeting brief -------------------------------------------------------------


def _counterpart_form(contact, data=None) -> CounterpartForm:
    return CounterpartForm(
        data,
        initial={"version": contact.version},
        stakeholders=contact.stakeholders.all(),
        participants=contact.participants.all(),
        current={c.stakeholder_id: c.user_id for c in contact.counterparts.all()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def counterparts(request, account_pk, pk):
    """Assign one of our participants to each customer participant (the selling center)."""
    contact = selectors.contact_for_page(get_contact_for_user(request.user, account_pk, pk))
    account = contact.account
    require(can_work_on_account(request.user, account))
    form = _counterpart_form(contact, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.counterparts_set(
                actor=request.user,
                contact=contact,
                assignments=form.assignments(),
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except EditConflict as exc:
            form.show_conflict(exc)
        else:
            messages.success(request, _("Counterparts saved."))
            if contact.is_planned:
                return redirect("relationships:brief", account.pk, contact.pk)
            return redirect(_contact_url(contact))
    return _form_page(
        request,
        account,
        form,
        tab="contacts",
        title=_("Assign counterparts"),
        back=_contact_url(contact),
        intro=_("For each customer participant, the colleague of ours who looks after them in the meeting."),
    )


def _planned_contact(request, account_pk, pk):
    contact = get_contact_for_user(request.user, account_pk, pk)
    if not contact.is_planned:
        # A brief prepares a meeting; held and cancelled contacts have their log entry instead.
        raise Http404
    return contact


@login_required
@require_GET
def brief(request, account_pk, pk):
    """The one-page brief of a planned meeting (printable; the navigation is not printed)."""
    contact = _planned_contact(request, account_pk, pk)
    data = selectors.meeting_brief(contact, request.user, channel=BRIEF_CHANNEL)
    can_edit = can_work_on_account(request.user, contact.account)
    return render(
        request,
        "relationships/brief.html",
        _page(
            request,
            contact.account,
            "contacts",
            brief=data,
            contact=data.contact,
            counterpart_form=_counterpart_form(data.contact) if can_edit and data.participants else None,
        ),
    )


@login_required
@require_GET
def brief_download(request, account_pk, pk):
    """The meeting brief as a PDF."""
    contact = _planned_contact(request, account_pk, pk)
    data = selectors.meeting_brief(contact, request.user, channel=BRIEF_CHANNEL)
    response = HttpResponse(brief_pdf(data, request=request), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="meeting-brief-{contact.date:%Y-%m-%d}-{contact.pk}.pdf"'
    )
    return response


# The relationship plan ----------------------------------------------------------------------------


def _plan_url(account, year=None) -> str:
    url = reverse("relationships:plan", args=[account.pk])
    return f"{url}?year={year}" if year else url


@login_required
@require_GET
def plan(request, account_pk):
    """The relationship plan with planned against actual contacts in the chosen year."""
    account = get_account_for_user(request.user, account_pk)
    today = selectors.today()
    year = _year(request, today.year)
    return render(
        request,
        "relationships/plan.html",
        _page(
            request,
            account,
            "plan",
            plan=selectors.relationship_plan_status(account, year, today=today),
            year=year,
            years=range(today.year - 3, today.year + 2),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def link_create(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    require(can_work_on_account(request.user, account))
    form = RelationshipLinkForm(
        request.POST or None,
        initial={"stakeholder": _preselected_stakeholder(request, account), "cadence": Cadence.QUARTERLY},
        users=selectors.participant_choices(account),
        stakeholders=selectors.stakeholder_choices(account),
    )
    if submit_to_service(
        request,
        form,
        services.relationship_link_create,
        account=account,
        success=_("Relationship plan entry added."),
    ):
        return redirect(_plan_url(account))
    return _form_page(
        request,
        account,
        form,
        tab="plan",
        title=_("Add a relationship plan entry"),
        back=_plan_url(account),
        intro=_plan_intro(),
    )


def _plan_intro():
    return _("Who of us meets whom of them, how often, on which occasion and with what aim.")


@login_required
@require_http_methods(["GET", "POST"])
def link_edit(request, account_pk, pk):
    link = get_link_for_user(request.user, account_pk, pk)
    account = link.account
    require(can_work_on_account(request.user, account))
    initial = {f: getattr(link, f) for f in services.LINK_FIELDS} | {"version": link.version}
    form = RelationshipLinkEditForm(
        request.POST or None,
        initial=initial,
        users=_with_current(selectors.participant_choices(account), User, [link.user_id]),
        stakeholders=_with_current(
            selectors.stakeholder_choices(account), Stakeholder, [link.stakeholder_id]
        ),
    )
    if submit_to_service(
        request,
        form,
        services.relationship_link_update,
        link=link,
        success=_("Relationship plan entry saved."),
    ):
        return redirect(_plan_url(account))
    return _form_page(
        request,
        account,
        form,
        tab="plan",
        title=_("Edit relationship plan entry"),
        back=_plan_url(account),
        intro=_plan_intro(),
        delete_url=reverse("relationships:link-delete", args=[account.pk, link.pk]),
        delete_question=_("Remove this entry from the relationship plan?"),
    )


@login_required
@require_POST
def link_delete(request, account_pk, pk):
    link = get_link_for_user(request.user, account_pk, pk)
    require(can_work_on_account(request.user, link.account))
    services.relationship_link_delete(actor=request.user, link=link)
    messages.success(request, _("Relationship plan entry removed."))
    return redirect(_plan_url(link.account))


# The touchpoint plan ------------------------------------------------------------------------------


def _touchpoints_url(account, year) -> str:
    return reverse("relationships:touchpoints", args=[account.pk]) + f"?year={year}"


@login_required
@require_GET
def touchpoints(request, account_pk):
    """The touchpoint plan of a year: per stakeholder, what they receive from us in Q1 to Q4."""
    account = get_account_for_user(request.user, account_pk)
    today = selectors.today()
    year = _year(request, today.year)
    years = sorted({*selectors.touchpoint_years(account), *range(today.year - 1, today.year + 2), year})
    return render(
        request,
        "relationships/touchpoints.html",
        _page(
            request,
            account,
            "touchpoints",
            rows=selectors.touchpoint_plan(account, year),
            year=year,
            years=years,
            quarters=QUARTERS,
        ),
    )


def _touchpoint_initial(request) -> dict:
    initial = {"status": TouchpointStatus.PLANNED, "year": selectors.today().year}
    for name in ("stakeholder", "quarter", "year"):
        value = request.GET.get(name, "")
        if value.isdigit():
            initial[name] = int(value)
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def touchpoint_create(request, account_pk):
    account = get_account_for_user(request.user, account_pk)
    require(can_work_on_account(request.user, account))
    initial = _touchpoint_initial(request)
    form = TouchpointForm(
        request.POST or None,
        initial=initial,
        stakeholders=selectors.stakeholder_choices(account),
        owners=selectors.participant_choices(account),
    )
    if request.method == "POST" and form.is_valid():
        try:
            touchpoint = services.touchpoint_create(actor=request.user, account=account, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Touchpoint added."))
            return redirect(_touchpoints_url(account, touchpoint.year))
    return _form_page(
        request,
        account,
        form,
        tab="touchpoints",
        title=_("Add a touchpoint"),
        back=_touchpoints_url(account, initial["year"]),
        intro=_touchpoint_intro(),
    )


def _touchpoint_intro():
    return _(
        "What a customer contact receives from us in a quarter to change how they see us: an article, "
        "a reference story, a meeting with a partner, an event or a gift tied to our strategy."
    )


@login_required
@require_http_methods(["GET", "POST"])
def touchpoint_edit(request, account_pk, pk):
    touchpoint = get_touchpoint_for_user(request.user, account_pk, pk)
    account = touchpoint.account
    require(can_work_on_account(request.user, account))
    initial = {f: getattr(touchpoint, f) for f in services.TOUCHPOINT_FIELDS} | {
        "version": touchpoint.version
    }
    form = TouchpointEditForm(
        request.POST or None,
        initial=initial,
        stakeholders=_with_current(
            selectors.stakeholder_choices(account), Stakeholder, [touchpoint.stakeholder_id]
        ),
        owners=_owners(account, touchpoint.owner_id),
    )
    if submit_to_service(
        request, form, services.touchpoint_update, touchpoint=touchpoint, success=_("Touchpoint saved.")
    ):
        return redirect(_touchpoints_url(account, touchpoint.year))
    return _form_page(
        request,
        account,
        form,
        tab="touchpoints",
        title=_("Edit touchpoint"),
        back=_touchpoints_url(account, touchpoint.year),
        intro=_touchpoint_intro(),
        delete_url=reverse("relationships:touchpoint-delete", args=[account.pk, touchpoint.pk]),
        delete_question=_("Remove this touchpoint?"),
    )


@login_required
@require_POST
def touchpoint_delete(request, account_pk, pk):
    touchpoint = get_touchpoint_for_user(request.user, account_pk, pk)
    require(can_work_on_account(request.user, touchpoint.account))
    services.touchpoint_delete(actor=request.user, touchpoint=touchpoint)
    messages.success(request, _("Touchpoint removed."))
    return redirect(_touchpoints_url(touchpoint.account, touchpoint.year))


@login_required
@require_GET
def touchpoints_export(request, account_pk, year):
    """The touchpoint plan of ``year`` as an XLSX file, one line per touchpoint."""
    account = get_account_for_user(request.user, account_pk)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return exports.touchpoints_xlsx(account, year)

"""The cross-account pipeline: board, list (with exports) and forecast.

Everything is computed over ``pipeline.opportunities_visible_to(user)``: the opportunities of the
accounts the person may see. An administrator who is on no account team gets an empty pipeline
(and no menu entry); management sees every account. Moving a card calls the same service as the
opportunity's own page (``services.opportunity_move``) and is offered only to people who may
change that account's opportunities; everyone else gets 403 (404 for an account they cannot see).

The board works without JavaScript: every card has a "move to" form that posts and comes back
to the board. With htmx the form answers with the board alone, so the column sums change in
place; a refused move (checklist items missing, no close reason, someone else changed the
opportunity meanwhile) shows its message on the card. ``static/opportunities/pipeline.js``
adds drag and drop, which submits the same form.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import altair as alt
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from openkam.accounts.permissions import get_account_for_user, require
from openkam.analytics.charts import chart_spec
from openkam.core.http import safe_next
from openkam.core.locking import EditConflict

from . import pipeline_exports, services
from .choices import CLOSED_STAGES, OPEN_STAGES, CloseReason, Stage
from .permissions import can_edit_opportunities
from .pipeline import (
    Forecast,
    Period,
    editable_account_ids,
    forecast,
    opportunities_for_forecast,
    opportunities_for_pipeline,
    opportunities_visible_to,
    pipeline_totals,
    sort_opportunities,
    stage_sums,
    totals_from_stage_sums,
    weighted,
)
from .pipeline_forms import ExportFormat, ForecastForm, MoveForm, PipelineFilterForm, PipelineListForm

ACTIVE_NAV = "pipeline"
BOARD_ID = "pipeline-board"
#: Cards shown per column; the column's sums always cover all of them, the list shows the rest.
COLUMN_LIMIT = 50
PAGE_SIZE = 50


def _today():
    return timezone.localdate()


def _decorate(opportunities, user, today) -> list:
    """Add what a card or row shows besides the model: weighted value, overdue, move rights."""
    rows = list(opportunities)
    editable = editable_account_ids(user, {o.account_id for o in rows})
    for o in rows:
        o.weighted = weighted(o.value, o.probability)
        o.is_overdue = o.stage in OPEN_STAGES and o.expected_close < today
        o.can_move = o.account_id in editable
        if o.stage in OPEN_STAGES:
            following = OPEN_STAGES.index(o.stage) + 1
            o.next_stage = OPEN_STAGES[following] if following < len(OPEN_STAGES) else Stage.WON
        else:
            o.next_stage = ""
    return rows


def _board_context(request, form, *, board_url, card_errors=None, reason_open=(), focus=None, status=""):
    today = _today()
    filters = form.to_filter(today)
    qs = opportunities_for_pipeline(request.user, filters)
    sums = stage_sums(qs)
    cards = _decorate(qs, request.user, today)
    card_errors = card_errors or {}
    by_stage: dict[str, list] = {stage: [] for stage in Stage.values}
    for card in cards:
        card.errors = card_errors.get(card.pk, [])
        card.reason_open = card.pk in reason_open
        by_stage[card.stage].append(card)
    columns = [
        {
            "stage": stage,
            "label": Stage(stage).label,
            "sum": sums[stage],
            "cards": by_stage[stage][:COLUMN_LIMIT],
            "hidden": max(0, len(by_stage[stage]) - COLUMN_LIMIT),
            "closed": stage in CLOSED_STAGES,
        }
        for stage in Stage.values
    ]
    return {
        "form": form,
        "columns": columns,
        "totals": totals_from_stage_sums(sums),
        "closed_from": filters.closed_from,
        "closed_to": filters.closed_to,
        "stages": Stage.choices,
        "close_reasons": CloseReason.choices,
        "focus": focus,
        "board_url": board_url,
        "board_id": BOARD_ID,
        "status_message": status,
        "active_nav": ACTIVE_NAV,
        "pipeline_section": "board",
        "on_no_team": _on_no_team(form),
    }


def _on_no_team(form) -> bool:
    """Whether the person sees no account at all (an administrator off every team, typically):
    the account filter then offers nothing but "all accounts"."""
    return len(form.fields["account"].choices) <= 1


@login_required
@require_GET
def board(request):
    """The kanban board: a column per open stage, then won and lost of the chosen period."""
    form = PipelineFilterForm(request.GET or None, user=request.user)
    context = _board_context(request, form, board_url=request.get_full_path())
    if request.htmx and request.htmx.target == BOARD_ID:
        return render(request, "opportunities/pipeline/_board.html", context)
    return render(request, "opportunities/pipeline_board.html", context)


def _board_url_from(request) -> str:
    """The board the move came from (``next``, with its filters), or the plain board."""
    board_path = reverse("pipeline:board")
    target = safe_next(request)
    return target if target and urlsplit(target).path == board_path else board_path


def _opportunity_to_move(user, pk):
    """The opportunity if ``user`` sees its account (else 404) and may change it (else 403)."""
    opportunity = get_object_or_404(opportunities_visible_to(user).only("pk", "account_id"), pk=pk)
    account = get_account_for_user(user, opportunity.account_id)
    require(can_edit_opportunities(user, account))
    opportunity = get_object_or_404(account.opportunities.all(), pk=pk)
    opportunity.account = account
    return opportunity


@login_required
@require_POST
def move(request, pk):
    """Move one card to another stage (``stage``, ``version``, ``close_reason`` for won/lost)."""
    opportunity = _opportunity_to_move(request.user, pk)
    board_url = _board_url_from(request)
    form = MoveForm(request.POST)
    errors: list[str] = []
    reason_open: list[int] = []
    if form.is_valid():
        stage = form.cleaned_data["stage"]
        try:
            services.opportunity_move(
                actor=request.user,
                opportunity=opportunity,
                stage=stage,
                version=form.cleaned_data["version"],
                close_reason=form.cleaned_data["close_reason"] if stage in CLOSED_STAGES else "",
            )
        except ValidationError as exc:
            errors = exc.messages
            if "close_reason" in getattr(exc, "error_dict", {}):
                reason_open.append(opportunity.pk)
        except EditConflict:
            errors = [
                _(
                    "Someone else changed this opportunity in the meantime. The board now shows its "
                    "current stage; move it again if you still want to."
                )
            ]
    else:
        errors = [
            f"{form.fields[name].label}: {' '.join(e)}" if name in form.fields else " ".join(e)
            for name, e in form.errors.items()
        ]
    moved = not errors
    if moved:
        message = _("“%(title)s” moved to “%(stage)s”.") % {
            "title": opportunity.title,
            "stage": Stage(form.cleaned_data["stage"]).label,
        }
        if not request.htmx:
            messages.success(request, message)
            return redirect(board_url)
    else:
        message = ""
    filters = QueryDict(urlsplit(board_url).query)
    context = _board_context(
        request,
        PipelineFilterForm(filters or None, user=request.user),
        board_url=board_url,
        card_errors={} if moved else {opportunity.pk: errors},
        reason_open=reason_open,
        focus=opportunity.pk,
        status=message,
    )
    template = "opportunities/pipeline/_board.html" if request.htmx else "opportunities/pipeline_board.html"
    return render(request, template, context)


# List and exports ---------------------------------------------------------------------------------


def _list_queryset(request, form):
    return sort_opportunities(opportunities_for_pipeline(request.user, form.to_filter(_today())), form.sort())


#: The list's columns: sort key, header, right-aligned.
LIST_COLUMNS = (
    ("account", gettext_lazy("Key account"), False),
    ("title", pgettext_lazy("pipeline column", "Opportunity"), False),
    ("stage", gettext_lazy("Stage"), False),
    ("value", gettext_lazy("Value"), True),
    ("probability", gettext_lazy("Probability"), True),
    ("weighted", gettext_lazy("Weighted"), True),
    ("expected_close", gettext_lazy("Expected close"), False),
    ("owner", gettext_lazy("Owner"), False),
    ("kam", gettext_lazy("Key account manager"), False),
)


def _sort_columns(request, current: str) -> list[dict]:
    """The list's headers: each links to sorting by it (a second click reverses the order)."""
    params = request.GET.copy()
    params.pop("page", None)
    columns = []
    for key, label, num in LIST_COLUMNS:
        ascending_now, descending_now = current == key, current == f"-{key}"
        params["sort"] = f"-{key}" if ascending_now else key
        columns.append(
            {
                "key": key,
                "label": label,
                "num": num,
                "url": "?" + params.urlencode(),
                "state": "ascending" if ascending_now else "descending" if descending_now else "none",
            }
        )
    return columns


@login_required
@require_GET
def pipeline_list(request):
    """The filtered opportunities as a sortable, paginated table with the totals of all of them."""
    form = PipelineListForm(request.GET or None, user=request.user)
    qs = _list_queryset(request, form)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _decorate(page.object_list, request.user, _today())
    totals = pipeline_totals(qs)
    export_params = request.GET.copy()
    export_params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "totals": totals,
        "sort": form.sort(),
        "sort_columns": _sort_columns(request, form.sort()),
        "export_query": export_params.urlencode(),
        "active_nav": ACTIVE_NAV,
        "pipeline_section": "list",
        "on_no_team": _on_no_team(form),
    }
    if request.htmx and request.htmx.target == "pipeline-list":
        return render(request, "opportunities/pipeline/_list_table.html", context)
    return render(request, "opportunities/pipeline_list.html", context)


@login_required
@require_GET
def export(request):
    """The filtered list as XLSX (default) or CSV (``?format=csv``), in the order of the list."""
    fmt = request.GET.get("format", ExportFormat.XLSX)
    if fmt not in (ExportFormat.XLSX, ExportFormat.CSV):
        raise Http404
    form = PipelineListForm(request.GET or None, user=request.user)
    return pipeline_exports.pipeline_download(
        _list_queryset(request, form), fmt, language=request.LANGUAGE_CODE
    )


# Forecast -----------------------------------------------------------------------------------------

_PART_COLOURS = {"won": "#009E73", "weighted": "#0072B2", "upside": "#9ECAE9"}


def forecast_chart(result: Forecast, *, language: str) -> alt.TopLevelMixin:
    """Stacked bars per period: won, weighted open, and the rest of the open value (best case on top).

    The overdue opportunities get a bar of their own in front, so they are not lost from sight.
    """
    with override(language):
        parts = {
            "won": str(Stage.WON.label),
            "weighted": str(gettext_lazy("Weighted open value")),
            "upside": str(gettext_lazy("Rest of the open value (best case)")),
        }
        period_title = str(gettext_lazy("Period"))
        amount_title = str(gettext_lazy("Value (EUR)"))
        part_title = str(gettext_lazy("Part"))
        overdue_label = str(gettext_lazy("Overdue"))
    rows = ([result.overdue] if result.overdue.open_count else []) + result.periods
    data = []
    order = []
    for row in rows:
        label = overdue_label if row.key == "overdue" else row.label
        order.append(label)
        values = {
            "won": row.won_value,
            "weighted": row.weighted_value,
            "upside": row.open_value - row.weighted_value,
        }
        for position, (key, amount) in enumerate(values.items()):
            data.append(
                {"period": label, "part": parts[key], "part_order": position, "amount": float(amount)}
            )
    chart = (
        alt.Chart(alt.InlineData(values=data))
        .mark_bar()
        .encode(
            x=alt.X(
                "period:N",
                title=period_title,
                sort=order,
                axis=alt.Axis(labelAngle=0 if result.period == Period.QUARTER else -45),
            ),
            y=alt.Y("amount:Q", title=amount_title, stack="zero", axis=alt.Axis(format=",.0f")),
            color=alt.Color(
                "part:N",
                title=part_title,
                scale=alt.Scale(domain=list(parts.values()), range=list(_PART_COLOURS.values())),
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("part_order:Q"),
            tooltip=[
                alt.Tooltip("period:N", title=period_title),
                alt.Tooltip("part:N", title=part_title),
                alt.Tooltip("amount:Q", title=amount_title, format=",.0f"),
            ],
        )
        .properties(
            width=alt.Step(56 if result.period == Period.QUARTER else 30),
            height=320,
            usermeta={"openkam": {"language": language}},
        )
    )
    return chart.configure_view(stroke=None).configure_axis(labelFontSize=11, titleFontSize=12)


@login_required
@require_GET
def forecast_view(request):
    """Open, weighted, won and best case per month or quarter, overdue ones apart; per KAM below."""
    today = _today()
    form = ForecastForm(request.GET or None, user=request.user, today=today)
    period, start, end = form.range()
    qs = opportunities_for_forecast(request.user, form.to_filter())
    result = forecast(qs, period=period, start=start, end=end, today=today)
    context = {
        "form": form,
        "forecast": result,
        "chart": chart_spec(
            forecast_chart(result, language=request.LANGUAGE_CODE), language=request.LANGUAGE_CODE
        ),
        "show_by_kam": request.user.reads_all_accounts or len(result.by_kam) > 1,
        "active_nav": ACTIVE_NAV,
        "pipeline_section": "forecast",
        "on_no_team": _on_no_team(form),
    }
    return render(request, "opportunities/pipeline_forecast.html", context)

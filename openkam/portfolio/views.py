"""Pages of the key-account selection: runs and their procedures, scoring models, ratings.

Every page loads its objects through the access helpers in ``permissions`` (a run anyone
signed in may open shows each person only the result rows they may see) and writes through
``services``. Lists answer htmx requests with their table only.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkam.analytics.portfolio import QUADRANTS
from openkam.core.forms import add_service_errors, submit_to_service

from . import charts, services
from .choices import CompareBy, ModelPurpose
from .forms import (
    CRITERIA_PREFIX,
    AbcForm,
    CompareForm,
    CriterionFormSet,
    CustomerRatingsForm,
    ExportForm,
    RatingCriterionForm,
    RatingGridForm,
    ResultFilterForm,
    RunStartForm,
    ScoringModelForm,
    criterion_initial,
)
from .models import SelectionRun
from .permissions import (
    can_configure,
    can_start_run,
    get_rated_customer_for_user,
    get_rating_criterion_for_user,
    get_run_for_user,
    get_scoring_model_for_user,
    require,
    results_visible_to,
    sees_whole_base,
)
from .selectors import (
    abc_view,
    active_rating_criteria,
    can_propose,
    comparison,
    criteria_with_shares,
    customer_ratings,
    latest_done_run,
    model_columns,
    propose_url,
    rating_candidates,
    rating_criteria_for_list,
    ratings_by_cell,
    results_for_list,
    runs_for_list,
    scoring_models_for_list,
    with_bars,
)

PAGE_SIZE = 50
NAV = "selection"


def _is_partial(request) -> bool:
    return bool(request.htmx and not request.htmx.boosted)


def _page(request, items, size: int = PAGE_SIZE):
    return Paginator(items, size).get_page(request.GET.get("page"))


def _run_context(request, run: SelectionRun, tab: str) -> dict:
    """What every page of one run shows: the run, its settings and the viewer's scope."""
    models = run.snapshot.get("models") or {}
    tables = [
        (
            ModelPurpose(purpose).label,
            (models.get(purpose) or {}).get("name", "–"),
            model_columns(run, purpose),
        )
        for purpose in ModelPurpose.values
    ]
    return {
        "run": run,
        "tab": tab,
        "whole_base": sees_whole_base(request.user),
        "ranking_columns": tables[0][2],
        "model_tables": tables,
        "active_nav": NAV,
    }


def _with_propose_links(user, rows) -> list:
    """Link customers that are no key account yet to the designation workflow, for those who propose."""
    allowed = can_propose(user)
    for row in rows:
        has_account = hasattr(row.customer, "key_account")
        row.propose_url = propose_url(row.customer_id) if allowed and not has_account else None
    return rows


# Selection home and runs -----------------------------------------------------------------------


def _home(request, form=None):
    runs = _page(request, runs_for_list(request.user), 20)
    context = {
        "runs": runs,
        "latest": latest_done_run(request.user),
        "form": form if form is not None else (RunStartForm() if can_start_run(request.user) else None),
        "can_configure": can_configure(request.user),
        "whole_base": sees_whole_base(request.user),
        "active_nav": NAV,
    }
    return render(request, "portfolio/home.html", context)


@login_required
@require_GET
def home(request):
    """The selection: the latest run, starting a new one, and every run so far."""
    return _home(request)


@login_required
@require_POST
def run_start(request):
    """Start a run (management and administrators) and follow it on its page."""
    require(can_start_run(request.user))
    form = RunStartForm(request.POST)
    if form.is_valid():
        try:
            run = services.selection_run_start(actor=request.user, **form.service_arguments())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # No flash message: the run's page shows its progress itself.
            return redirect("portfolio:run-detail", run_id=run.pk)
    return _home(request, form=form)


@login_required
@require_GET
def run_detail(request, run_id):
    """The ranked candidate list with each criterion's points and the sensitivity of the rank."""
    run = get_run_for_user(request.user, run_id)
    context = _run_context(request, run, "ranking")
    form = ResultFilterForm(request.GET or None)
    context["form"] = form
    if run.is_done:
        page = _page(request, results_for_list(request.user, run, form.to_filter()))
        context["page"] = page
        context["results"] = _with_propose_links(
            request.user, with_bars(page.object_list, context["ranking_columns"])
        )
        if _is_partial(request):
            return render(request, "portfolio/_ranking_table.html", context)
        context["chart"] = charts.spec(
            charts.contributions(request.user, run, language=request.LANGUAGE_CODE), request.LANGUAGE_CODE
        )
    return render(request, "portfolio/run_detail.html", context)


@login_required
@require_GET
def run_status(request, run_id):
    """Polled by the run page while the run computes; reloads the page once it has finished."""
    run = get_run_for_user(request.user, run_id)
    response = render(request, "portfolio/_run_status.html", {"run": run})
    if run.is_finished and request.htmx:
        response["HX-Refresh"] = "true"
    return response


def _abc_form_values(form: AbcForm, run: SelectionRun) -> tuple[str | None, tuple[float, float] | None]:
    if not form.is_bound or not form.is_valid():
        return None, None
    data = form.cleaned_data
    stored = run.snapshot.get("abc_cutoffs", (0.8, 0.95))
    a = float(data["a"]) / 100 if data.get("a") is not None else float(stored[0])
    b = float(data["b"]) / 100 if data.get("b") is not None else float(stored[1])
    return data.get("value") or None, (a, b) if a < b else None


@login_required
@require_GET
def run_abc(request, run_id):
    """ABC classes with the Pareto curve; other cut-offs are recomputed on the run's values."""
    run = get_run_for_user(request.user, run_id)
    context = _run_context(request, run, "abc")
    stored = run.snapshot.get("abc_cutoffs", (0.8, 0.95))
    form = AbcForm(
        request.GET or None,
        initial={
            "value": run.snapshot.get("abc_value"),
            "a": round(stored[0] * 100, 1),
            "b": round(stored[1] * 100, 1),
        },
    )
    context["form"] = form
    if run.is_done:
        value, cutoffs = _abc_form_values(form, run)
        view = abc_view(request.user, run, value=value, cutoffs=cutoffs)
        page = _page(request, view.rows)
        context.update(view=view, page=page, results=_with_propose_links(request.user, page.object_list))
        if view.whole_base and view.curve:
            context["chart"] = charts.spec(
                charts.pareto(request.user, run, language=request.LANGUAGE_CODE, view=view),
                request.LANGUAGE_CODE,
            )
        context["chart_query"] = request.GET.urlencode()
        if _is_partial(request):
            return render(request, "portfolio/_abc_table.html", context)
    return render(request, "portfolio/run_abc.html", context)


@login_required
@require_GET
def run_matrix(request, run_id):
    """The portfolio matrix: an interactive bubble chart, the quadrant strategies and the table."""
    run = get_run_for_user(request.user, run_id)
    context = _run_context(request, run, "matrix")
    form = ResultFilterForm(request.GET or None)
    context["form"] = form
    if run.is_done:
        filters = form.to_filter()
        page = _page(
            request, results_for_list(request.user, run, filters, order="attractiveness").exclude(quadrant="")
        )
        context.update(page=page, results=_with_propose_links(request.user, page.object_list))
        if _is_partial(request):
            return render(request, "portfolio/_matrix_table.html", context)
        rows = charts.matrix_rows(request.user, run)
        context["chart"] = charts.spec(
            charts.matrix(request.user, run, language=request.LANGUAGE_CODE, rows=rows), request.LANGUAGE_CODE
        )
        context["chart_points"] = len(rows)
        counts = (
            run.summary.get("quadrants", {})
            if context["whole_base"]
            else _quadrant_counts(results_visible_to(request.user, run))
        )
        context["quadrants"] = [
            {"key": key, "label": q.label, "strategy": q.strategy, "count": counts.get(key, 0)}
            for key, q in QUADRANTS.items()
        ]
    return render(request, "portfolio/run_matrix.html", context)


def _quadrant_counts(results) -> dict[str, int]:
    return dict(
        results.exclude(quadrant="")
        .values_list("quadrant")
        .annotate(n=Count("pk"))
        .values_list("quadrant", "n")
    )


@login_required
@require_GET
def run_clv(request, run_id):
    """Customer lifetime value: the fitted models with their diagnostics, and every customer's value."""
    run = get_run_for_user(request.user, run_id)
    context = _run_context(request, run, "clv")
    form = ResultFilterForm(request.GET or None)
    context["form"] = form
    if run.is_done:
        page = _page(request, results_for_list(request.user, run, form.to_filter(), order="clv"))
        context.update(
            page=page,
            results=_with_propose_links(request.user, page.object_list),
            report=run.summary.get("clv", {}),
        )
        if _is_partial(request):
            return render(request, "portfolio/_clv_table.html", context)
    return render(request, "portfolio/run_clv.html", context)


@login_required
@require_GET
def run_compare(request, run_id):
    """The procedures side by side for the top candidates of one of them: where they agree and not."""
    run = get_run_for_user(request.user, run_id)
    context = _run_context(request, run, "compare")
    form = CompareForm(request.GET or None, initial={"by": CompareBy.SCORE, "n": 25})
    context["form"] = form
    if run.is_done:
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        view = comparison(request.user, run, by=data.get("by") or CompareBy.SCORE, n=data.get("n") or 25)
        context.update(view=view, results=_with_propose_links(request.user, view.rows), procedures=CompareBy)
        if _is_partial(request):
            return render(request, "portfolio/_compare_table.html", context)
    return render(request, "portfolio/run_compare.html", context)


@login_required
@require_GET
def run_chart(request, run_id, name, fmt):
    """A chart of the run as an SVG or PNG download, scoped like its page."""
    run = get_run_for_user(request.user, run_id)
    if fmt not in charts.FORMATS or name not in charts.NAMES or not run.is_done:
        raise Http404
    if name == "pareto":
        # The curve and its cut-off lines as the ABC page shows them (other cut-offs or margin).
        value, cutoffs = _abc_form_values(AbcForm(request.GET or None), run)
        view = (
            abc_view(request.user, run, value=value, cutoffs=cutoffs)
            if sees_whole_base(request.user)
            else None
        )
        chart = charts.pareto(request.user, run, language=request.LANGUAGE_CODE, view=view)
    else:
        chart = charts.build(name, request.user, run, language=request.LANGUAGE_CODE)
    response = HttpResponse(charts.image(chart, fmt, request.LANGUAGE_CODE), content_type=charts.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}-{run.as_of:%Y-%m-%d}.{fmt}"'
    return response


@login_required
@require_POST
def export(request):
    """Export a selection list (XLSX or CSV) as a background job; the job checks access again."""
    form = ExportForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("The export could not be started: %(errors)s") % {"errors": form.errors.as_text()}
        )
        return redirect("portfolio:home")
    data = form.cleaned_data
    if data.get("run"):
        get_run_for_user(request.user, data["run"])  # 404 before a job is created for a hidden run
    params = {
        key: (str(value) if value is not None else None)
        for key, value in data.items()
        if value not in (None, "") and key != "page"
    }
    params["language"] = request.LANGUAGE_CODE
    job = services.selection_export_start(actor=request.user, params=params)
    return redirect("core:job-detail", job_id=job.pk)


# Scoring models --------------------------------------------------------------------------------


@login_required
@require_GET
def model_list(request):
    """Every scoring model with its criteria and each weight's share of the total."""
    models = list(scoring_models_for_list(request.user))
    for model in models:
        model.rows = criteria_with_shares(model)
    return render(
        request,
        "portfolio/model_list.html",
        {"models": models, "can_configure": can_configure(request.user), "active_nav": NAV},
    )


def _model_form(request, model=None):
    """The model form and its criteria formset, bound to the POST when there is one."""
    initial = criterion_initial(model) if model is not None else []
    data = request.POST if request.method == "POST" else None
    formset = CriterionFormSet(data, prefix=CRITERIA_PREFIX, initial=initial or None)
    if model is None and data is None:
        formset = CriterionFormSet(prefix=CRITERIA_PREFIX, initial=[{"weight": 1, "direction": "higher"}])
    total = len(formset.forms)
    if data is not None:
        try:
            total = max(0, min(int(data.get(f"{CRITERIA_PREFIX}-TOTAL_FORMS", 0)), 30))
        except ValueError:
            total = 0
    form = ScoringModelForm(
        data,
        criteria_names=formset.field_names(total),
        initial=(
            {
                "name": model.name,
                "description": model.description,
                "purpose": model.purpose,
                "active": model.active,
            }
            if model is not None
            else {"active": True, "purpose": request.GET.get("purpose") or ModelPurpose.RANKING}
        ),
    )
    return form, formset


def _annotate_shares(formset) -> None:
    """Each row's share of the total weight as entered, for the form (weights are relative)."""
    weights = []
    for form in formset.forms:
        try:
            weight = Decimal(str(form["weight"].value()))
        except (InvalidOperation, TypeError, ValueError):
            weight = None
        deleted = formset.can_delete and form.is_bound and form["DELETE"].value()
        weights.append(
            weight if weight is not None and weight.is_finite() and weight > 0 and not deleted else None
        )
    total = sum(w for w in weights if w is not None)
    for form, weight in zip(formset.forms, weights, strict=True):
        form.share = float(weight / total) if weight is not None and total else None


def _save_model(request, form, formset, model=None) -> bool:
    if request.method != "POST" or not (form.is_valid() & formset.is_valid()):
        return False
    data = form.cleaned_data
    try:
        with transaction.atomic():
            arguments = {
                "actor": request.user,
                "name": data["name"],
                "purpose": data["purpose"],
                "description": data["description"],
                "active": data["active"],
                "criteria": formset.criterion_inputs(),
            }
            if model is None:
                services.scoring_model_create(**arguments)
            else:
                services.scoring_model_update(model=model, **arguments)
    except ValidationError as exc:
        _criteria_errors(form, formset, exc)
        return False
    messages.success(request, _("Scoring model saved."))
    return True


def _criteria_errors(form, formset, exc: ValidationError) -> None:
    """Service errors named ``criteria.<index>.<field>`` land on the row, the rest on the form."""
    rows = formset.kept_forms()
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        parts = name.split(".")
        if parts[0] == "criteria" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(rows):
            field = parts[2] if parts[2] in rows[int(parts[1])].fields else "criterion"
            rows[int(parts[1])].add_error(field, errors)
        else:
            form.add_error(name if name in form.fields else None, errors)


@login_required
@require_http_methods(["GET", "POST"])
def model_create(request):
    require(can_configure(request.user))
    form, formset = _model_form(request)
    if _save_model(request, form, formset):
        return redirect("portfolio:models")
    _annotate_shares(formset)
    return render(request, "portfolio/model_form.html", {"form": form, "formset": formset, "active_nav": NAV})


@login_required
@require_http_methods(["GET", "POST"])
def model_edit(request, pk):
    model = get_scoring_model_for_user(request.user, pk)
    require(can_configure(request.user))
    form, formset = _model_form(request, model)
    if _save_model(request, form, formset, model):
        return redirect("portfolio:models")
    _annotate_shares(formset)
    return render(
        request,
        "portfolio/model_form.html",
        {"form": form, "formset": formset, "model": model, "active_nav": NAV},
    )


@login_required
@require_GET
def model_criterion_row(request):
    """One empty criteria row for the model form (htmx appends it and updates the row count)."""
    require(can_configure(request.user))
    try:
        index = max(0, int(request.GET.get(f"{CRITERIA_PREFIX}-TOTAL_FORMS", "0")))
    except ValueError:
        index = 0
    if index >= 30:
        return HttpResponse(status=204)
    formset = CriterionFormSet(prefix=CRITERIA_PREFIX)
    form = formset.empty_form
    form.prefix = f"{CRITERIA_PREFIX}-{index}"
    form.initial = {"weight": 1}
    return render(request, "portfolio/_criterion_row.html", {"row": form, "index": index, "total": index + 1})


@login_required
@require_POST
def model_delete(request, pk):
    model = get_scoring_model_for_user(request.user, pk)
    require(can_configure(request.user))
    services.scoring_model_delete(actor=request.user, model=model)
    messages.success(request, _("Scoring model deleted; runs that used it keep their copy."))
    return redirect("portfolio:models")


# Rating criteria and ratings -------------------------------------------------------------------


@login_required
@require_GET
def rating_criterion_list(request):
    return render(
        request,
        "portfolio/rating_criteria.html",
        {
            "criteria": rating_criteria_for_list(request.user),
            "can_configure": can_configure(request.user),
            "active_nav": NAV,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rating_criterion_create(request):
    require(can_configure(request.user))
    form = RatingCriterionForm(request.POST or None, initial={"scale_min": 1, "scale_max": 5, "active": True})
    if submit_to_service(
        request, form, services.rating_criterion_create, success=_("Rating criterion saved.")
    ):
        return redirect("portfolio:rating-criteria")
    return render(request, "portfolio/rating_criterion_form.html", {"form": form, "active_nav": NAV})


@login_required
@require_http_methods(["GET", "POST"])
def rating_criterion_edit(request, pk):
    criterion = get_rating_criterion_for_user(request.user, pk)
    require(can_configure(request.user))
    form = RatingCriterionForm(
        request.POST or None,
        editing=True,
        initial={
            "label_de": criterion.label_de,
            "label_en": criterion.label_en,
            "description": criterion.description,
            "scale_min": criterion.scale_min,
            "scale_max": criterion.scale_max,
            "active": criterion.active,
        },
    )
    if submit_to_service(
        request,
        form,
        services.rating_criterion_update,
        criterion=criterion,
        success=_("Rating criterion saved."),
    ):
        return redirect("portfolio:rating-criteria")
    return render(
        request,
        "portfolio/rating_criterion_form.html",
        {"form": form, "criterion": criterion, "active_nav": NAV},
    )


@login_required
@require_POST
def rating_criterion_delete(request, pk):
    criterion = get_rating_criterion_for_user(request.user, pk)
    require(can_configure(request.user))
    try:
        services.rating_criterion_delete(actor=request.user, criterion=criterion)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Rating criterion deleted."))
    return redirect("portfolio:rating-criteria")


def _grid(request, data=None):
    query = (request.GET.get("q") or request.POST.get("q") or "").strip()[:100]
    criteria = active_rating_criteria(request.user)
    customers = rating_candidates(request.user, query=query, run=latest_done_run(request.user))
    ratings = ratings_by_cell(request.user, customers, criteria)
    form = RatingGridForm(data, customers=customers, criteria=criteria, ratings=ratings)
    return form, criteria, query


@login_required
@require_http_methods(["GET", "POST"])
def ratings(request):
    """A table of candidate customers × active rating criteria (the best-ranked of the latest run)."""
    if request.method == "POST":
        require(can_configure(request.user))
    form, criteria, query = _grid(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        changes = [
            services.RatingChange(customer=customer, criterion=criterion, value=value)
            for customer, criterion, value in form.changes()
        ]
        try:
            count = services.ratings_update(actor=request.user, changes=changes)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                ngettext("%(count)s rating saved.", "%(count)s ratings saved.", count) % {"count": count},
            )
            return redirect(f"{request.path}?q={query}" if query else request.path)
    return render(
        request,
        "portfolio/ratings.html",
        {
            "form": form,
            "criteria": criteria,
            "query": query,
            "can_rate": can_configure(request.user),
            "active_nav": NAV,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def customer_ratings_edit(request, customer_pk):
    """All ratings of one customer with notes and who gave them."""
    customer = get_rated_customer_for_user(request.user, customer_pk)
    if request.method == "POST":
        require(can_configure(request.user))
    criteria = active_rating_criteria(request.user)
    existing = customer_ratings(request.user, customer)
    form = CustomerRatingsForm(
        request.POST if request.method == "POST" else None, criteria=criteria, ratings=existing
    )
    if request.method == "POST" and form.is_valid():
        changes = [
            services.RatingChange(
                customer=customer,
                criterion=criterion,
                value=form.cleaned_data[value_name],
                note=form.cleaned_data[note_name],
            )
            for criterion, value_name, note_name in form.rows
            if value_name in form.changed_data or note_name in form.changed_data
        ]
        try:
            services.ratings_update(actor=request.user, changes=changes)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Ratings saved."))
            return redirect("portfolio:customer-ratings", customer_pk=customer.pk)
    return render(
        request,
        "portfolio/customer_ratings.html",
        {
            "customer": customer,
            "form": form,
            "existing": existing,
            "can_rate": can_configure(request.user),
            "propose_url": (
                propose_url(customer.pk)
                if can_propose(request.user) and not hasattr(customer, "key_account")
                else None
            ),
            "active_nav": NAV,
        },
    )

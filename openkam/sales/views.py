from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .forms import CustomerSearchForm
from .permissions import get_customer_for_user
from .selectors import customer_revenue_history, customers_for_search, latest_fiscal_year


@login_required
@require_GET
def customer_search(request):
    """Search the customers the person may see; htmx replaces only the results while typing."""
    form = CustomerSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    year = latest_fiscal_year()
    results = customers_for_search(request.user, query, year=year) if (query or not request.GET) else []
    context = {
        "form": form,
        "results": results,
        "query": query,
        "year": year,
        "active_nav": "customers",
    }
    template = "sales/_results.html" if request.htmx else "sales/search.html"
    return render(request, template, context)


@login_required
@require_GET
def customer_detail(request, pk):
    customer = get_customer_for_user(request.user, pk)
    return render(
        request,
        "sales/detail.html",
        {"customer": customer, "revenues": customer_revenue_history(customer), "active_nav": "customers"},
    )

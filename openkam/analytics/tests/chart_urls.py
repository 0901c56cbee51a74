"""A test-only URLconf: the chart bundle and one page with charts, under the product's CSP."""

from __future__ import annotations

from django.http import HttpResponse
from django.template import engines
from django.templatetags.static import static
from django.urls import path
from django.utils.html import format_html

from openkam.core import chart_bundle

PAGE = """{% load static %}<!doctype html>
<html lang="{{ language }}">
<head>
  <meta charset="utf-8">
  <title>Charts</title>
  <link rel="icon" href="{% static 'openkam/favicon.svg' %}">
  <script src="{{ bundle_url }}" defer nonce="{{ csp_nonce }}"></script>
  <script src="{% static 'openkam/charts.js' %}" defer nonce="{{ csp_nonce }}"></script>
</head>
<body>
  <main>
    {% for chart in charts %}
      <div id="{{ chart.name }}" data-chart-spec-id="{{ chart.name }}-spec"></div>
      {{ chart.spec|json_script:chart.spec_id }}
    {% endfor %}
  </main>
</body>
</html>"""

#: The specs the page shows, set by the test before it opens the page: {name: spec}.
CHARTS: dict[str, dict] = {}


def chart_page(request):
    template = engines["django"].from_string(PAGE)
    charts = [{"name": name, "spec": spec, "spec_id": f"{name}-spec"} for name, spec in CHARTS.items()]
    context = {"charts": charts, "bundle_url": chart_bundle.vega_bundle_url(), "language": "de"}
    return HttpResponse(template.render(context, request))


def customer_page(request, number):
    # The icon link keeps Chromium from asking for /favicon.ico, which this URLconf lacks.
    return HttpResponse(
        format_html(
            '<!doctype html><title>Customer {}</title><link rel="icon" href="{}"><h1>Customer {}</h1>',
            number,
            static("openkam/favicon.svg"),
            number,
        )
    )


urlpatterns = [
    path("charts/vega.js", chart_bundle.vega_bundle, name="vega-bundle"),
    path("chart-test/", chart_page, name="chart-test"),
    path("chart-test/customers/<str:number>/", customer_page, name="chart-test-customer"),
]

from django.http import HttpResponse


def healthz(request):
    """Liveness probe for load balancers; touches no database. Also the benchmark's floor."""
    return HttpResponse("ok", content_type="text/plain")

"""Pages of the portal itself: the home page that joins the apps' sections, the
About page and the health check."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from otop_portal.lib.sections import HOME, registry


@require_safe
def home(request):
    sections = registry.sections_for(HOME, request)
    return render(request, "home.html", {"sections": sections})


@login_not_required
@require_safe
def about(request):
    import geothai

    return render(request, "about.html", {"geothai_version": geothai.DATA_VERSION})


@login_not_required
@never_cache
@require_safe
def health(request):
    """For the service monitor: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except DatabaseError:
        database = "unreachable"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "database": database}, status=status
    )


def locked_out(request, original_response=None, credentials=None):
    """django-axes calls this when a username is locked after repeated failed logins."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)

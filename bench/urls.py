"""The portal's URLs plus the yardstick: a trivial page behind the login, through the
full middleware stack, that does no work of its own."""

from django.http import HttpResponse
from django.urls import path

from otop_portal.urls import urlpatterns as portal_urlpatterns


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial, name="bench_trivial"), *portal_urlpatterns]

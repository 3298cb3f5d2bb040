"""The fair pages, one URL module per area."""

from django.urls import path

from fairs.urls_after import urlpatterns as after_urls
from fairs.urls_applications import urlpatterns as application_urls
from fairs.urls_draw import urlpatterns as draw_urls
from fairs.urls_reports import urlpatterns as report_urls
from fairs.urls_setup import urlpatterns as setup_urls
from fairs.views.index import index

app_name = "fairs"

urlpatterns = [
    path("", index, name="index"),
    *setup_urls,
    *application_urls,
    *draw_urls,
    *after_urls,
    *report_urls,
]

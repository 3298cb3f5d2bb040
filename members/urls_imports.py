"""URLs of the producer import (included by members/urls.py)."""

from django.urls import path

from members.views import imports

urlpatterns = [
    path("producers/import/", imports.producer_import, name="producer_import"),
    path(
        "producers/import/preview/",
        imports.producer_import_preview,
        name="producer_import_preview",
    ),
    path(
        "producers/import/confirm/",
        imports.producer_import_confirm,
        name="producer_import_confirm",
    ),
    path(
        "producers/import/template/",
        imports.producer_import_template,
        name="producer_import_template",
    ),
]

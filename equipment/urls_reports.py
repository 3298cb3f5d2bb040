"""Equipment URLs: the reports pages, their exports and the printable rules booklet."""

from django.urls import path

from equipment.views import reports

urlpatterns = [
    path("reports/", reports.report_index, name="reports"),
    path("reports/<slug:kind>/", reports.report, name="report"),
    path("reports/<slug:kind>/<slug:fmt>/", reports.report_export, name="report_export"),
    path("types/<int:pk>/booklet/", reports.booklet, name="booklet"),
]

"""Fair pages: the reports of a fair, on screen and as CSV/XLSX (?format=csv|xlsx)."""

from django.urls import path

from fairs.views import reports

urlpatterns = [
    path("<int:pk>/reports/", reports.report_index, name="reports"),
    path("<int:pk>/reports/<slug:kind>/", reports.report, name="report"),
]

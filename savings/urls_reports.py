"""Savings URLs: the group's reports (loan aging, cash book, trial balance, balance
sheet, income statement, the quarterly summary for the CDD office)."""

from django.urls import path

from savings.views import reports

urlpatterns = [
    path("reports/", reports.report_index, name="reports"),
    path("reports/<slug:kind>/", reports.report, name="report"),
    path("reports/<slug:kind>/export/<slug:fmt>/", reports.report_export, name="report_export"),
]

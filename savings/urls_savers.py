"""Savings URLs: the savers pages (the register, the application, one saver's page,
decisions and changes, leaving, the statement)."""

from django.urls import path

from savings.views import savers

urlpatterns = [
    path("savers/", savers.saver_list, name="saver_list"),
    path("savers/export/<slug:fmt>/", savers.saver_export, name="saver_export"),
    path("savers/apply/", savers.saver_apply, name="saver_apply"),
    path("savers/<int:pk>/", savers.saver_detail, name="saver_detail"),
    path("savers/<int:pk>/decide/", savers.saver_decide, name="saver_decide"),
    path("savers/<int:pk>/pledge/", savers.saver_pledge, name="saver_pledge"),
    path("savers/<int:pk>/beneficiaries/", savers.saver_beneficiaries, name="saver_beneficiaries"),
    path("savers/<int:pk>/leave/", savers.saver_leave, name="saver_leave"),
    path("savers/<int:pk>/statement/", savers.saver_statement, name="saver_statement"),
    path(
        "savers/<int:pk>/statement/<slug:fmt>/",
        savers.saver_statement_export,
        name="saver_statement_export",
    ),
]

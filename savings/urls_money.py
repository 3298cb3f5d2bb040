"""Savings URLs: the money pages (the monthly meeting's sheet, one member's money,
withdrawals, collectors' cash, receipts and payment vouchers)."""

from django.urls import path

from savings.views import money

urlpatterns = [
    path("sheet/", money.sheet, name="sheet"),
    path("sheet/<str:code>/<str:month>/", money.sheet_district, name="sheet_district"),
    path("sheet/<str:code>/<str:month>/print/", money.sheet_print, name="sheet_print"),
    path(
        "sheet/<str:code>/<str:month>/export/<slug:fmt>/", money.sheet_export, name="sheet_export"
    ),
    path("savers/<int:pk>/pay-pledge/", money.pledge_pay, name="pledge_pay"),
    path("savers/<int:pk>/deposit/", money.deposit, name="deposit"),
    path("savers/<int:pk>/withdraw/", money.withdraw, name="withdraw"),
    path("withdrawals/", money.withdrawal_list, name="withdrawal_list"),
    path("withdrawals/<int:pk>/", money.withdrawal_decide, name="withdrawal_decide"),
    path("handover/", money.handover, name="handover"),
    path("receipts/<int:pk>/", money.receipt, name="receipt"),
    path("vouchers/<int:pk>/", money.voucher, name="voucher"),
]

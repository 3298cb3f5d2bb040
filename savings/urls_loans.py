"""Savings URLs: the loans pages."""

from django.urls import path

from savings.views import loans

urlpatterns: list = [
    path("loans/", loans.loan_list, name="loan_list"),
    path("loans/export/<slug:fmt>/", loans.loan_export, name="loan_export"),
    path("loans/apply/", loans.loan_apply, name="loan_apply"),
    path("loans/<int:pk>/", loans.loan_detail, name="loan_detail"),
    path("loans/<int:pk>/decide/", loans.loan_decide, name="loan_decide"),
    path("loans/<int:pk>/withdraw/", loans.loan_withdraw, name="loan_withdraw"),
    path("loans/<int:pk>/pay-out/", loans.loan_disburse, name="loan_disburse"),
    path("loans/<int:pk>/repay/", loans.loan_repay, name="loan_repay"),
    path("loans/<int:pk>/contract/", loans.loan_contract, name="loan_contract"),
    path("guarantees/<int:pk>/replace/", loans.guarantee_replace, name="guarantee_replace"),
    path("guarantees/<int:pk>/form/", loans.guarantee_form, name="guarantee_form"),
]

"""Savings URLs: the books pages (the journal, the group's own money, corrections,
closing, deposit interest, the year end and the policy)."""

from django.urls import path

from savings.views import books

urlpatterns = [
    path("journal/", books.journal, name="journal"),
    path("journal/export/<str:fmt>/", books.journal_export, name="journal_export"),
    path("journal/<int:pk>/", books.entry_detail, name="entry_detail"),
    path("journal/<int:pk>/reverse/", books.reversal_request, name="reversal_request"),
    path("expenses/new/", books.expense, name="expense"),
    path("income/new/", books.income, name="income"),
    path("transfers/new/", books.transfer, name="transfer"),
    path("corrections/", books.reversal_list, name="reversal_list"),
    path("corrections/<int:pk>/", books.reversal_decide, name="reversal_decide"),
    path("closing/", books.month_close, name="month_close"),
    path("interest/", books.interest, name="interest"),
    path("years/", books.year_list, name="year_list"),
    path("years/allocate/", books.allocation_new, name="allocation_new"),
    path("allocations/<int:pk>/", books.allocation_detail, name="allocation_detail"),
    path("allocations/<int:pk>/approve/", books.allocation_approve, name="allocation_approve"),
    path("allocations/<int:pk>/post/", books.allocation_post, name="allocation_post"),
    path(
        "allocations/<int:pk>/export/<str:fmt>/",
        books.allocation_export,
        name="allocation_export",
    ),
    path("policy/", books.policy, name="policy"),
]

"""The savings group's pages, one URL module per area."""

from django.urls import path

from savings.urls_books import urlpatterns as book_urls
from savings.urls_loans import urlpatterns as loan_urls
from savings.urls_money import urlpatterns as money_urls
from savings.urls_reports import urlpatterns as report_urls
from savings.urls_savers import urlpatterns as saver_urls
from savings.views.index import index

app_name = "savings"

urlpatterns = [
    path("", index, name="index"),
    *saver_urls,
    *money_urls,
    *loan_urls,
    *book_urls,
    *report_urls,
]

from django.urls import path

from members.urls_committees import urlpatterns as committee_urls
from members.urls_imports import urlpatterns as import_urls
from members.views import accounts, membership, merge, privacy, producers, records, reports

app_name = "members"

urlpatterns = [
    path("districts/<str:code>/", accounts.district_detail, name="district_detail"),
    path("staff/accounts/", accounts.account_list, name="account_list"),
    path("staff/accounts/export/<str:fmt>/", accounts.account_export, name="account_export"),
    path("producers/", producers.producer_list, name="producer_list"),
    path("producers/export/<str:fmt>/", producers.producer_export, name="producer_export"),
    path("producers/new/", producers.producer_create, name="producer_create"),
    path("producers/<int:pk>/", producers.producer_detail, name="producer_detail"),
    path("producers/<int:pk>/edit/", producers.producer_edit, name="producer_edit"),
    path("producers/<int:pk>/merge/", merge.producer_merge_find, name="producer_merge_find"),
    path("producers/<int:pk>/merge/<int:other>/", merge.producer_merge, name="producer_merge"),
    path("producers/<int:pk>/people/new/", records.person_add, name="person_add"),
    path("producers/<int:pk>/products/new/", records.product_add, name="product_add"),
    path("producers/<int:pk>/contacts/new/", records.contact_add, name="contact_add"),
    path("producers/<int:pk>/sales/new/", records.sales_add, name="sales_add"),
    path("people/<int:pk>/", records.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", records.person_edit, name="person_edit"),
    path("people/<int:pk>/data/", privacy.person_data_export, name="person_data_export"),
    path("people/<int:pk>/anonymise/", privacy.person_anonymise, name="person_anonymise"),
    path("products/<int:pk>/edit/", records.product_edit, name="product_edit"),
    path("products/<int:pk>/ratings/new/", records.rating_add, name="rating_add"),
    path("products/<int:pk>/quadrants/new/", records.quadrant_add, name="quadrant_add"),
    path(
        "products/<int:pk>/certifications/new/", records.certification_add, name="certification_add"
    ),
    path("ratings/<int:pk>/verify/", records.rating_verify, name="rating_verify"),
    path(
        "producers/<int:pk>/membership/renew/", membership.membership_renew, name="membership_renew"
    ),
    path("producers/<int:pk>/membership/end/", membership.membership_end, name="membership_end"),
    path("membership/receipts/<int:pk>/", membership.membership_receipt, name="membership_receipt"),
    path("membership/due/", membership.membership_due, name="membership_due"),
    path("membership/due/letters/", membership.renewal_letters, name="renewal_letters"),
    path("reports/", reports.reports, name="reports"),
    path("reports/<str:kind>/<str:fmt>/", reports.report_export, name="report_export"),
    path("postal-codes/", producers.postal_codes, name="postal_codes"),
    *committee_urls,
    *import_urls,
]

from equipment.urls_booking import urlpatterns as booking_urls
from equipment.urls_care import urlpatterns as care_urls
from equipment.urls_reports import urlpatterns as report_urls

app_name = "equipment"

urlpatterns = [*booking_urls, *care_urls, *report_urls]

"""Fair pages after the draw: booths held, offers, payments, moves and swaps, the
waitlist, check-in, daily sales and the printed letters."""

from django.urls import path

from fairs.views import fairdays, holdings, letters

urlpatterns = [
    path("<int:pk>/booths-held/", holdings.holdings, name="holdings"),
    path("holdings/<int:pk>/", holdings.holding_detail, name="holding_detail"),
    path("holdings/<int:pk>/accept/", holdings.offer_accept, name="offer_accept"),
    path("holdings/<int:pk>/decline/", holdings.offer_decline, name="offer_decline"),
    path("holdings/<int:pk>/pay/", holdings.payment_new, name="payment_new"),
    path("payments/<int:pk>/correct/", holdings.payment_correct, name="payment_correct"),
    path("holdings/<int:pk>/release/", holdings.holding_release, name="holding_release"),
    path("holdings/<int:pk>/move/", holdings.holding_move, name="holding_move"),
    path("holdings/<int:pk>/swap/", holdings.holding_swap, name="holding_swap"),
    path("<int:pk>/waitlist/", fairdays.waitlist, name="waitlist"),
    path("<int:pk>/waitlist/refill/", fairdays.waitlist_refill, name="waitlist_refill"),
    path("<int:pk>/give/", fairdays.booth_give, name="booth_give"),
    path("<int:pk>/checkin/", fairdays.checkin, name="checkin"),
    path("<int:pk>/sales/", fairdays.sales, name="sales"),
    path("applications/<int:pk>/letter/", letters.result_letter, name="result_letter"),
    path("holdings/<int:pk>/letter/", letters.offer_letter, name="offer_letter"),
    path("<int:pk>/letters/", letters.letters, name="letters"),
]

"""Equipment URLs: the booking pages."""

from django.urls import path

from equipment.views import booking

urlpatterns = [
    path("", booking.equipment_index, name="index"),
    path("types/<int:pk>/", booking.type_detail, name="type_detail"),
    path("types/<int:pk>/book/", booking.booking_new, name="booking_new"),
    path("units/<int:pk>/", booking.unit_detail, name="unit_detail"),
    path("bookings/", booking.booking_list, name="booking_list"),
    path("bookings/<int:pk>/", booking.booking_detail, name="booking_detail"),
    path("bookings/<int:pk>/confirmation/", booking.booking_print, name="booking_print"),
    path("bookings/<int:pk>/change/", booking.booking_change, name="booking_change"),
    path("bookings/<int:pk>/cancel/", booking.booking_cancel, name="booking_cancel"),
    path("bookings/<int:pk>/approve/", booking.booking_approve, name="booking_approve"),
    path("bookings/<int:pk>/reject/", booking.booking_reject, name="booking_reject"),
    path("approvals/", booking.inbox, name="inbox"),
    path("waitlist/", booking.waitlist, name="waitlist"),
    path("waitlist/<int:pk>/accept/", booking.waitlist_accept, name="waitlist_accept"),
    path("waitlist/<int:pk>/withdraw/", booking.waitlist_withdraw, name="waitlist_withdraw"),
]

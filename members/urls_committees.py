"""URLs of committees and activities (included by members/urls.py)."""

from django.urls import path

from members.views import committees

urlpatterns = [
    path("committees/", committees.committee_list, name="committee_list"),
    path("committees/export/<str:fmt>/", committees.committee_export, name="committee_export"),
    path("committees/new/", committees.term_create, name="term_create"),
    path("committees/ended-logins/", committees.committee_logins, name="committee_logins"),
    path("committees/<int:pk>/", committees.term_detail, name="term_detail"),
    path("committees/<int:pk>/edit/", committees.term_edit, name="term_edit"),
    path("committees/<int:pk>/seats/new/", committees.seat_add, name="seat_add"),
    path("committees/seats/<int:pk>/edit/", committees.seat_edit, name="seat_edit"),
    path("activities/", committees.activity_list, name="activity_list"),
    path("activities/new/", committees.activity_create, name="activity_create"),
    path("activities/<int:pk>/", committees.activity_detail, name="activity_detail"),
    path(
        "activities/<int:pk>/participants/new/",
        committees.participant_add,
        name="participant_add",
    ),
    path("activities/<int:pk>/actions/new/", committees.action_item_add, name="action_item_add"),
    path(
        "activities/<int:pk>/attendance/export/<str:fmt>/",
        committees.attendance_export,
        name="attendance_export",
    ),
    path(
        "activities/<int:pk>/actions/export/<str:fmt>/",
        committees.action_items_export,
        name="action_items_export",
    ),
    path(
        "participants/<int:pk>/attendance/",
        committees.participant_attendance,
        name="participant_attendance",
    ),
    path("action-items/<int:pk>/done/", committees.action_item_done, name="action_item_done"),
]

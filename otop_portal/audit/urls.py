from django.urls import path

from otop_portal.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.events, name="events"),
    path("export/<str:fmt>/", views.events_export, name="events_export"),
    path("national-id-views/", views.national_id_views, name="national_id_views"),
    path(
        "national-id-views/export/<str:fmt>/",
        views.national_id_views_export,
        name="national_id_views_export",
    ),
]

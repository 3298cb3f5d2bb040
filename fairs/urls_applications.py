"""Fair pages: applications, their review and the list."""

from django.urls import path

from fairs.views import applications as views

urlpatterns = [
    path("<int:pk>/applications/", views.application_list, name="application_list"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/apply/<int:producer>/", views.apply_for, name="apply_for"),
    path("<int:pk>/review/", views.review_queue, name="review_queue"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path(
        "applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"
    ),
    path("applications/<int:pk>/review/", views.application_review, name="application_review"),
]

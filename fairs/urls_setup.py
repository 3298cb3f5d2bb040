"""Fair pages: setting a fair up (the fair, zones, booth types, booths, the allocation
policy) and its floor plan."""

from django.urls import path

from fairs.views import plan, setup

urlpatterns = [
    path("new/", setup.fair_create, name="fair_create"),
    path("<int:pk>/", setup.fair_detail, name="fair_detail"),
    path("<int:pk>/edit/", setup.fair_edit, name="fair_edit"),
    path("<int:pk>/zones/", setup.zones, name="zones"),
    path("zones/<int:pk>/edit/", setup.zone_edit, name="zone_edit"),
    path("<int:pk>/booth-types/", setup.booth_types, name="booth_types"),
    path("booth-types/<int:pk>/edit/", setup.booth_type_edit, name="booth_type_edit"),
    path("<int:pk>/booths/", setup.booths, name="booths"),
    path("booths/<int:pk>/edit/", setup.booth_edit, name="booth_edit"),
    path("booths/<int:pk>/delete/", setup.booth_delete, name="booth_delete"),
    path("<int:pk>/policy/", setup.policy, name="policy"),
    path("<int:pk>/policy/new/", setup.policy_new, name="policy_new"),
    path("policies/<int:pk>/publish/", setup.policy_publish_view, name="policy_publish"),
    path("<int:pk>/plan/", plan.plan, name="plan"),
]

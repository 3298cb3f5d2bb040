"""Fair pages: the draw pipeline, and the public verification pages (no login)."""

from django.urls import path

from fairs.views import draw, verify

urlpatterns = [
    path("<int:pk>/draw/", draw.draw, name="draw"),
    path("<int:pk>/draw/freeze/", draw.list_freeze, name="list_freeze"),
    path("<int:pk>/draw/source/", draw.source_enter, name="source_enter"),
    path("sources/<int:pk>/confirm/", draw.source_confirm, name="source_confirm"),
    path("<int:pk>/draw/run/", draw.draw_run, name="draw_run"),
    path("<int:pk>/draw/rerun/", draw.draw_rerun, name="draw_rerun"),
    path("draws/<int:pk>/", draw.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/publish/", draw.draw_publish, name="draw_publish"),
    path("verify/", verify.verify_index, name="verify_index"),
    path("<int:pk>/verify/", verify.verify, name="verify"),
    path("<int:pk>/verify/list.csv", verify.verify_list, name="verify_list"),
    path("<int:pk>/verify/results.csv", verify.verify_results, name="verify_results"),
    path("verify/draw.zip", verify.verify_code, name="verify_code"),
]

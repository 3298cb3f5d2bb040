from django.urls import path

from otop_portal.twofactor import views

app_name = "twofactor"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("set-up/", views.setup, name="setup"),
    path("verify/", views.verify, name="verify"),
    path("recovery-codes/", views.codes, name="codes"),
    path("recovery-codes/new/", views.regenerate, name="regenerate"),
    path("turn-off/", views.disable, name="disable"),
]

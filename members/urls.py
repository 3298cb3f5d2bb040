from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("districts/<str:code>/", views.district_detail, name="district_detail"),
    path("staff/accounts/", views.account_list, name="account_list"),
    path("staff/accounts/export/<str:fmt>/", views.account_export, name="account_export"),
]

"""Equipment URLs: the care pages."""

from django.urls import path

from equipment.views import care

urlpatterns = [
    path("care/", care.care_desk, name="care_desk"),
    path("care/bookings/<int:pk>/checkout/", care.loan_checkout, name="loan_checkout"),
    path("care/loans/<int:pk>/return/", care.loan_return, name="loan_return"),
    path("care/overdue/", care.overdue_list, name="overdue_list"),
    path("photos/<str:token>/", care.photo, name="photo"),
    path("care/tickets/", care.ticket_list, name="ticket_list"),
    path("care/tickets/<int:pk>/close/", care.ticket_close, name="ticket_close"),
    path("care/units/<int:pk>/", care.unit_history, name="unit_history"),
    path("care/units/<int:pk>/tickets/new/", care.ticket_open, name="ticket_open"),
    path("care/units/<int:pk>/block/", care.unit_block, name="unit_block"),
    path("care/units/<int:pk>/status/", care.unit_status, name="unit_status"),
    path("care/units/<int:pk>/stocktake/", care.stocktake_record, name="stocktake_record"),
    path("care/stocktake/", care.stocktake_list, name="stocktake_list"),
    path("care/service/", care.service_list, name="service_list"),
    path("care/suspensions/", care.suspension_list, name="suspension_list"),
    path("care/suspensions/<int:pk>/lift/", care.suspension_lift, name="suspension_lift"),
    path("care/producers/<int:pk>/suspend/", care.suspension_create, name="suspension_create"),
    path("care/producers/<int:pk>/terms/", care.terms_accept, name="terms_accept"),
    path("care/producers/<int:pk>/training/", care.training_signoff, name="training_signoff"),
]

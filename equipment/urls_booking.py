"""Equipment URLs: the booking pages."""

urlpatterns: list = []

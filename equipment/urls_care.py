"""Equipment URLs: the care pages."""

urlpatterns: list = []

"""Equipment URLs: the reports pages."""

urlpatterns: list = []

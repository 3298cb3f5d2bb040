"""Savings URLs: the reports pages."""

urlpatterns: list = []

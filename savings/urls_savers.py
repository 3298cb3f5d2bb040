"""Savings URLs: the savers pages."""

urlpatterns: list = []

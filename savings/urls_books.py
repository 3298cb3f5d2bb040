"""Savings URLs: the books pages."""

urlpatterns: list = []

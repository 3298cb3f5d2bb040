"""Savings URLs: the money pages."""

urlpatterns: list = []

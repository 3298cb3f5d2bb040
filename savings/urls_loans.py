"""Savings URLs: the loans pages."""

urlpatterns: list = []

"""Fixtures of the fair tests."""

import pytest


@pytest.fixture
def english():
    """Messages read in English (the services' tests match their words)."""
    from django.utils import translation

    with translation.override("en"):
        yield

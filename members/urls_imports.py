"""URLs of the producer import (included by members/urls.py)."""

urlpatterns = []

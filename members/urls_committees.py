"""URLs of committees and activities (included by members/urls.py)."""

urlpatterns = []

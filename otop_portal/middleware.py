"""Thai first: the language is Thai unless the user chose another with the language
switch (a cookie). The browser's Accept-Language is not consulted: many phones here
are set to English, and the portal's users read Thai first."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ThaiFirstLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class DatabaseUnavailableMiddleware:
    """A view the database failed under (stopped, restarting, unreachable) answers with
    the Thai "try again" page (503) instead of a server error. Errors raised outside a
    view (a middleware reading the session) reach the same page through handler500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from otop_portal.views import database_unavailable, is_database_gone

        if is_database_gone(exception):
            return database_unavailable(request, exception)
        return None

"""Failed logins are counted per client address, also behind the reverse proxy."""

from django.test import RequestFactory

from otop_portal.lib.client_ip import client_ip


def test_without_a_proxy_the_socket_address_counts(settings):
    settings.BEHIND_PROXY = False
    request = RequestFactory().get(
        "/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert client_ip(request) == "203.0.113.7", "a client cannot choose its own address"


def test_behind_the_proxy_the_address_it_appended_counts(settings):
    settings.BEHIND_PROXY = True
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7"
    )
    assert client_ip(request) == "203.0.113.7"


def test_behind_the_proxy_without_the_header_the_socket_address_counts(settings):
    settings.BEHIND_PROXY = True
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"

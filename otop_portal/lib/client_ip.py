"""The client's address, for counting failed logins per address (django-axes).

Behind the reverse proxy the README recommends, REMOTE_ADDR is the proxy's own
address; the proxy appends the client's address to X-Forwarded-For, so the last
entry there is the one to trust (earlier entries are whatever the client sent).
"""

from django.conf import settings


def client_ip(request) -> str | None:
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")

"""The demo logins the simulated users log in with, as JSON for the locustfile.

    DATABASE_URL=… python -m bench.load.accounts > accounts.json

Only demo accounts (their e-mail domain says so), each with its role, district code and
functions, and the demo password that seed_demo gave them.
"""

import json
import os
import sys


def accounts() -> list[dict]:
    from members.models import User
    from otop_portal.lib.demo import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD

    users = (
        User.objects.filter(is_active=True, email__endswith="@" + DEMO_EMAIL_DOMAIN)
        .prefetch_related("groups")
        .order_by("username")
    )
    return [
        {
            "username": user.username,
            "password": DEMO_PASSWORD,
            "role": user.role,
            "district": user.district_id or "",
            "functions": sorted(group.name for group in user.groups.all()),
        }
        for user in users
    ]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otop_portal.settings")
    import django

    django.setup()
    found = accounts()
    if not found:
        sys.exit("No demo accounts in this database: run manage.py seed_demo first.")
    json.dump(found, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

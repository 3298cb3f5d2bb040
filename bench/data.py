"""The one benchmark data generator: deterministic (same seed, same data) and written
with bulk inserts, not through the services. Later issues extend it with producers,
bookings, ledgers and fairs, each as a function registered in STEPS."""

import random
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command

from members.models import District, Role, User


@dataclass(frozen=True)
class Scale:
    accounts_per_district: int = 20


def generate(*, scale: Scale, seed: int = 2568) -> dict:
    rng = random.Random(seed)
    call_command("load_geography", verbosity=0)
    counts = {}
    for name, step in STEPS:
        counts[name] = step(rng, scale)
    return counts


def accounts(rng: random.Random, scale: Scale) -> int:
    password = make_password("bench-password", hasher="md5")
    districts = list(District.objects.filter(province_id=settings.PORTAL_PROVINCE_CODE))
    users = [User(username="bench.staff", role=Role.PROVINCIAL_STAFF, password=password)]
    for district in districts:
        for n in range(scale.accounts_per_district):
            users.append(
                User(
                    username=f"bench.{district.code}.{n}",
                    role=Role.DISTRICT_MEMBER,
                    district=district,
                    password=password,
                    first_name=rng.choice(["สมชาย", "สมหญิง", "บุญมี", "ประภา"]),
                    last_name=rng.choice(["ใจดี", "ทองดี", "ศรีสุข", "แก้วมณี"]),
                )
            )
    User.objects.bulk_create(users, batch_size=2000)
    return len(users)


STEPS = [("accounts", accounts)]

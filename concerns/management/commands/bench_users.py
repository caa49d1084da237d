"""Coordinators for the benchmark and the load test, with authenticator keys that the
tools signing in as them know.

    python manage.py bench_users --count 50 --out var/load/users.json

Each run gives the users a new random password and new TOTP keys, and writes them,
with search terms drawn from the demo names, to a JSON file that only its owner may
read (`tests/load/locustfile.py` signs in with it). The users work for the same
municipalities as the demo login `koordinator.kbh`, so they see its cases. The demo
logins themselves are left alone: a device added to them would stand between a
person and their own first sign-in.
"""

from __future__ import annotations

import json
import os
import random
import secrets
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.memberships import set_memberships
from accounts.models import Role, User
from concerns.demo import DEMO_USERS
from concerns.demo.texts import FEMALE_NAMES, LAST_NAMES, MALE_NAMES
from concerns.models import Municipality

USERNAME_PREFIX = "bench.koordinator"
# The demo login whose municipalities the bench users work for.
MODEL_LOGIN = DEMO_USERS[0]
SEARCH_TERMS = 200


def bench_coordinator(username: str, password_hash: str) -> User:
    """Get or create one coordinator of MODEL_LOGIN's municipalities, with
    `password_hash` as their password."""
    user, _created = User.objects.update_or_create(
        username=username,
        defaults={"role": Role.COORDINATOR, "password": password_hash, "is_active": True},
    )
    municipalities = Municipality.objects.filter(code__in=MODEL_LOGIN.municipalities)
    set_memberships(user, municipalities=list(municipalities), district=None)
    return user


def fresh_device(user: User) -> TOTPDevice:
    """Replace the user's authenticator with one that has a new random key, so a code
    used in an earlier run is never "used already" (a TOTP code counts once)."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name="Benchmark", confirmed=True)


def search_terms(count: int, seed: int) -> list[str]:
    """First names, last names and full names as people would type them."""
    rng = random.Random(seed)  # noqa: S311 - test input, not security
    first_names = MALE_NAMES + FEMALE_NAMES
    terms = []
    for _ in range(count):
        first, last = rng.choice(first_names), rng.choice(LAST_NAMES)
        terms.append(rng.choice((first, last, f"{first} {last}")))
    return terms


class Command(BaseCommand):
    help = "Create coordinators for the load test with new passwords and TOTP keys."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=50, help="how many users")
        parser.add_argument("--out", type=Path, required=True, help="JSON file to write")
        parser.add_argument("--seed", type=int, default=1, help="seed of the search terms")

    def handle(self, *args: Any, count: int, out: Path, seed: int, **options: Any) -> None:
        password = secrets.token_urlsafe(16)
        password_hash = make_password(password)  # once: hashing is slow on purpose
        with transaction.atomic():
            logins = []
            for number in range(1, count + 1):
                user = bench_coordinator(f"{USERNAME_PREFIX}.{number:02d}", password_hash)
                logins.append({"username": user.username, "key": fresh_device(user).key})
        out.parent.mkdir(parents=True, exist_ok=True)
        # Created private: the file holds working credentials.
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)  # also when the file was there already
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(
                {
                    "password": password,
                    "users": logins,
                    "search_terms": search_terms(SEARCH_TERMS, seed),
                },
                file,
                ensure_ascii=False,
                indent=1,
            )
        self.stdout.write(f"{count} load-test users, logins written to {out}")

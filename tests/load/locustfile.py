"""Load test: coordinators sign in through the real forms (password, then a TOTP code)
and work on cases: the case list, case pages, search and new notes.

    make load        # gunicorn on a bench database, 50 users for 60 s, then the verdict
    locust -f tests/load/locustfile.py --headless -u 50 -r 10 --run-time 60s \\
        --host http://127.0.0.1:PORT

The logins come from `manage.py bench_users --out FILE`, in the file LOAD_USERS_FILE
names (default var/load/users.json). Each simulated user signs in as a login of its
own, because a TOTP code counts only once per authenticator, and then pauses only one
to three seconds between pages, a heavier load than people at work make. At the end
the p95 and the error rate of that work (counted once everyone has signed in, see
below) are printed next to the targets; a missed target exits non-zero.

Not a pytest module: pytest collects test_*.py only.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django_otp.oath import TOTP
from locust import HttpUser, between, events, task
from locust.env import Environment
from locust.exception import StopUser
from locust.stats import StatsEntry
from requests import Response

USERS_FILE = Path(os.environ.get("LOAD_USERS_FILE", "var/load/users.json"))
P95_TARGET_MS = 300

CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CASE_LINK = re.compile(r'href="/sager/(\d+)/"')
NOTE_FORM = re.compile(r'action="/sager/(\d+)/notater/"')
NOTE_VISIBILITY = re.compile(r'name="visibility" value="([a-z_]+)"')

NOTES = (
    "Talt med skolen; eleven møder stabilt og har fået en mentor.",
    "Forældrene er orienteret og bakker op om forløbet.",
    "SSP følger op ved næste møde. Ingen nye bekymrende udtalelser.",
)


def read_logins() -> dict[str, Any]:
    if not USERS_FILE.is_file():
        raise SystemExit(
            f"{USERS_FILE} is missing: run `manage.py bench_users --out {USERS_FILE}` "
            "against the server's database first (make load does)."
        )
    logins: dict[str, Any] = json.loads(USERS_FILE.read_text(encoding="utf-8"))
    return logins


LOGINS = read_logins()
# One login per simulated user; gevent runs them on one thread, so a plain iterator
# hands each login out once.
unused_logins: Iterator[dict[str, str]] = iter(LOGINS["users"])


def csrf_token(html: str) -> str:
    match = CSRF_TOKEN.search(html)
    return match.group(1) if match else ""


class Coordinator(HttpUser):
    """A municipal coordinator going through cases with a few seconds' thought
    between pages."""

    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.case_ids: list[int] = []
        # Cases whose page offered the note form, and what that form offered.
        self.annotatable: set[int] = set()
        self.visibilities: list[str] = []
        self.csrf = ""
        try:
            self.sign_in(next(unused_logins, None))
        finally:
            signed_in(self.environment)

    def sign_in(self, login: dict[str, str] | None) -> None:
        """The login form, then the code form, as a browser fills them in; the
        code step ends on the case list."""
        if login is None:
            raise StopUser(f"more users than logins in {USERS_FILE}")
        form = self.client.get("/login/", name="sign-in: form")
        password_step = self.sign_in_step(
            "/login/",
            {
                "username": login["username"],
                "password": LOGINS["password"],
                "next": "/sager/",
                "csrfmiddlewaretoken": csrf_token(form.text),
            },
            name="sign-in: password",
            lands_on="/login/kode/",
        )
        code = TOTP(bytes.fromhex(login["key"])).token()
        case_list = self.sign_in_step(
            password_step.url,
            {"token": f"{code:06d}", "csrfmiddlewaretoken": csrf_token(password_step.text)},
            name="sign-in: code",
            lands_on="/sager/",
        )
        self.case_ids = [int(pk) for pk in CASE_LINK.findall(case_list.text)]

    def sign_in_step(self, url: str, data: dict[str, str], *, name: str, lands_on: str) -> Response:
        """POST one step; landing anywhere but `lands_on` is a failure that ends
        this user."""
        with self.client.post(url, data, name=name, catch_response=True) as response:
            landed = lands_on in response.url
            if not landed:
                response.failure(f"{name}: ended on {response.url}")
        if not landed:
            raise StopUser()
        return response

    @task(4)
    def case_list(self) -> None:
        params: dict[str, str] = {"side": str(random.randint(1, 5))}
        if random.random() < 0.3:
            params["sort"] = random.choice(("number", "-number", "status", "received"))
        page = self.client.get("/sager/", params=params, name="/sager/")
        self.case_ids = [int(pk) for pk in CASE_LINK.findall(page.text)] or self.case_ids

    @task(2)
    def search(self) -> None:
        term = random.choice(LOGINS["search_terms"])
        self.client.get("/sager/", params={"q": term}, name="/sager/?q=[term]")

    @task(4)
    def case_detail(self) -> None:
        if not self.case_ids:
            return
        pk = random.choice(self.case_ids)
        page = self.client.get(f"/sager/{pk}/", name="/sager/[id]/")
        visibilities = NOTE_VISIBILITY.findall(page.text)
        if NOTE_FORM.search(page.text) and visibilities:
            self.annotatable.add(pk)
            self.visibilities = visibilities
            self.csrf = csrf_token(page.text)

    @task(1)
    def add_note(self) -> None:
        """A note on a case page seen earlier, as the page's form posts it (without
        JavaScript: answered with a redirect to the case page)."""
        if not self.annotatable:
            return
        pk = random.choice(sorted(self.annotatable))
        with self.client.post(
            f"/sager/{pk}/notater/",
            {
                "visibility": random.choice(self.visibilities),
                "body": random.choice(NOTES),
                "csrfmiddlewaretoken": self.csrf,
            },
            name="/sager/[id]/notater/",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"note refused: {response.status_code}")


# --- The verdict -----------------------------------------------------------------------
#
# Signing in checks an argon2 password hash, deliberately slow and about 0.3 s of both
# cores here, so 50 users signing in within five seconds keep the server busy for a
# good while. The targets are for the work that follows: its figures are counted from
# the moment the last user has signed in; the sign-in steps are shown apart.

SIGN_IN = "sign-in"
work_window: dict[str, float] = {}
verdict_lines: list[str] = []


def signed_in(environment: Environment) -> None:
    """Called as each user's sign-in ends, however it went; after the last one the
    work figures start from zero."""
    work_window["signed_in"] = work_window.get("signed_in", 0) + 1
    runner = environment.runner
    if runner is not None and work_window["signed_in"] == runner.target_user_count:
        work_window["start"] = time.monotonic()
        for entry in environment.stats.entries.values():
            if not entry.name.startswith(SIGN_IN):
                entry.reset()


def line(entry: StatsEntry) -> str:
    return (
        f"{entry.name:<30}{entry.num_requests:>8}{entry.num_failures:>8}"
        f"{entry.get_response_time_percentile(0.5) or 0:>9.0f}"
        f"{entry.get_response_time_percentile(0.95) or 0:>9.0f}"
    )


@events.quitting.add_listener
def verdict(environment: Environment, **kwargs: Any) -> None:
    """p95 and error rate of the work, per kind too, next to the targets; a missed
    target makes the exit code 1."""
    stats = environment.stats
    work = StatsEntry(stats, "all work", "")
    entries = sorted(stats.entries.values(), key=lambda e: e.name)
    for entry in entries:
        if not entry.name.startswith(SIGN_IN):
            work.extend(entry)
    p95 = work.get_response_time_percentile(0.95) or 0
    all_in = "start" in work_window
    window = time.monotonic() - work_window["start"] if all_in else 0
    p95_met, errors_met = all_in and p95 < P95_TARGET_MS, work.num_failures == 0
    verdict_lines.extend(
        [
            "",
            f"{'request':<30}{'count':>8}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}",
            *(line(entry) for entry in entries),
            line(work),
            "",
            f"Work counted over the last {window:.0f} s, after every user had signed in."
            if all_in
            else "Not every user had signed in when the run ended: no verdict.",
            f"p95 {p95:.0f} ms (target < {P95_TARGET_MS} ms): {'PASS' if p95_met else 'FAIL'}",
            f"error rate {work.fail_ratio:.2%} ({work.num_failures} of {work.num_requests}, "
            f"target none): {'PASS' if errors_met else 'FAIL'}",
        ]
    )
    if not (p95_met and errors_met and work.num_requests):
        environment.process_exit_code = 1


@events.quit.add_listener
def print_verdict(**kwargs: Any) -> None:
    """After locust's own tables, so the verdict is the last thing on the screen."""
    print("\n".join(verdict_lines))

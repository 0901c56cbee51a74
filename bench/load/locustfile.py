"""Locust scenario of the load benchmark: signed-in people browse their key accounts.

Started by ``bench/load/run.py`` (which passes the settings below through the environment);
it can also be run by hand against a server you started yourself::

    PYTHONPATH=. BENCH_LOGINS='[["kam", "kam"]]' BENCH_PASSWORD=… \\
      .venv/bin/locust -f bench/load/locustfile.py --headless --host http://127.0.0.1:8000 -u 20 -r 20 -t 60s

Each simulated user signs in once (``on_start``) as one of the demo people — the logins are
dealt out in turn, so KAMs, team members and management are spread over the users — learns the
ids of the accounts it may see from the API (or, if the API does not answer, from the list
page), and then browses with a think time: "My accounts", an account's page, the API list and
the API detail, and the floor ``/healthz`` (a Django view without database) under its own name.

Measurement window: sign-in hashes a password (PBKDF2, ~1 s of CPU each), so 20 people signing
in at once saturate a small server for a few seconds. Locust's statistics are therefore reset
when the last user has finished signing in; the CSV files describe the steady browsing state.
Every single request — including sign-in — is also written to ``BENCH_SAMPLES`` (JSON) with its
phase, so errors during sign-in are never lost and percentiles are computed from exact times.

Only 127.0.0.1 is accepted as host. ``BENCH_PROXY_HTTPS=1`` (the default) makes the client
behave like the TLS-terminating reverse proxy of a production installation: it sends
``X-Forwarded-Proto: https`` and lets the (Secure) session and CSRF cookies travel over the
local plain-HTTP hop, so the server runs with its production settings unchanged.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task
from locust.exception import StopUser

from bench.load import names

LOGINS: list[list[str]] = json.loads(os.environ.get("BENCH_LOGINS", "[]"))
PASSWORD = os.environ.get("BENCH_PASSWORD", "")
SAMPLES_PATH = os.environ.get("BENCH_SAMPLES", "")
WAIT_MIN = float(os.environ.get("BENCH_WAIT_MIN", "0.5"))
WAIT_MAX = float(os.environ.get("BENCH_WAIT_MAX", "1.5"))
PROXY_HTTPS = os.environ.get("BENCH_PROXY_HTTPS", "1") == "1"
PAGE_SIZE = 50  # of the list page and the API list (settings.OPENKAM_PAGE_SIZE)
ALLOWED_HOSTS = {"127.0.0.1"}

_login_numbers = itertools.count()
_state: dict = {"ready": 0, "steady_since": None, "users": []}
_samples: list[list] = []


def _send_secure_cookies_over_local_hop() -> None:
    """Let Secure cookies travel to 127.0.0.1 over plain HTTP: the client is the TLS proxy.

    Process-wide on purpose: requests copies the session's cookies into a fresh jar with the
    default policy for every request, so a policy set on the session would not be used. The
    locust process talks to nothing but 127.0.0.1 (checked below).
    """
    DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True


if PROXY_HTTPS:
    _send_secure_cookies_over_local_hop()


def _check_host(host: str | None) -> None:
    if urlsplit(host or "").hostname not in ALLOWED_HOSTS:
        raise RuntimeError(f"The load benchmark only talks to 127.0.0.1, not to {host!r}.")


@events.test_start.add_listener
def _on_test_start(environment, **kwargs):
    _check_host(environment.host)
    if not LOGINS or not PASSWORD:
        raise RuntimeError("Set BENCH_LOGINS (JSON list of [username, role]) and BENCH_PASSWORD.")


@events.request.add_listener
def _on_request(request_type, name, response_time, response_length, exception, start_time=None, **kwargs):
    start = start_time if start_time is not None else time.time() - response_time / 1000
    steady_since = _state["steady_since"]
    phase = "steady" if steady_since is not None and start >= steady_since else "ramp"
    error = None if exception is None else str(exception)[:300]
    _samples.append([round(start, 4), name, round(response_time, 3), error is None, phase, error])


@events.quitting.add_listener
def _on_quitting(environment, **kwargs):
    if not SAMPLES_PATH:
        return
    data = {"steady_since": _state["steady_since"], "users": _state["users"], "samples": _samples}
    Path(SAMPLES_PATH).write_text(json.dumps(data))


def _user_ready(environment) -> None:
    """Count a user as having finished signing in; the last one starts the measurement window."""
    _state["ready"] += 1
    target = getattr(environment.parsed_options, "num_users", None) or environment.runner.target_user_count
    if _state["steady_since"] is None and _state["ready"] >= target:
        environment.stats.reset_all()
        _state["steady_since"] = time.time()


class AccountBrowser(HttpUser):
    wait_time = between(WAIT_MIN, WAIT_MAX)

    def on_start(self):
        _check_host(self.host)
        number = next(_login_numbers)
        self.username, self.role = LOGINS[number % len(LOGINS)][:2]
        self.account_ids: list[int] = []
        scheme_host = urlsplit(self.host)
        self.origin = f"{'https' if PROXY_HTTPS else 'http'}://{scheme_host.netloc}"
        if PROXY_HTTPS:
            self.client.headers["X-Forwarded-Proto"] = "https"
        try:
            signed_in = self._sign_in()
            if signed_in:
                self._load_account_ids()
            _state["users"].append(
                {
                    "user": number,
                    "username": self.username,
                    "role": self.role,
                    "signed_in": signed_in,
                    "visible_accounts": len(self.account_ids),
                }
            )
        finally:
            _user_ready(self.environment)
        if not signed_in:
            raise StopUser

    # --- setup -------------------------------------------------------------------------------

    def _sign_in(self) -> bool:
        with self.client.get(
            "/login/", name=names.LOGIN_FORM, allow_redirects=False, catch_response=True
        ) as response:
            token = self.client.cookies.get("csrftoken")
            if response.status_code != 200 or not token:
                response.failure(f"login form: HTTP {response.status_code}, CSRF cookie: {bool(token)}")
                return False
        with self.client.post(
            "/login/",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.origin}/login/"},
            name=names.LOGIN,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or "/login/" in location:
                response.failure(f"sign-in as {self.username!r} failed: HTTP {response.status_code}")
                return False
        return True

    def _load_account_ids(self) -> None:
        """The ids of the visible accounts, from the API list; the list page is the fallback."""
        ids: list[int] = []
        offset, total = 0, None
        while total is None or offset < total:
            with self.client.get(
                f"/api/v1/accounts?limit=500&offset={offset}",
                name=names.SETUP_IDS,
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    response.failure(f"HTTP {response.status_code}")
                    break
                body = response.json()
                items = body["items"] if isinstance(body, dict) else body
                total = body.get("count", len(items)) if isinstance(body, dict) else len(items)
                ids.extend(item["id"] for item in items)
                if not items:
                    break
                offset += len(items)
        if not ids:
            response = self.client.get("/accounts/", name=names.SETUP_IDS, allow_redirects=False)
            ids = [int(pk) for pk in re.findall(r'data-account="(\d+)"', response.text)]
        self.account_ids = ids

    # --- browsing ----------------------------------------------------------------------------

    def _pages(self) -> int:
        return max(1, -(-len(self.account_ids) // PAGE_SIZE))

    def _get(self, url: str, name: str, check) -> None:
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} for {url}")
                return
            problem = check(response)
            if problem:
                response.failure(f"{problem} ({url})")

    @task(3)
    def accounts_list(self):
        # Mostly the first page, as people do; sometimes a later one.
        page = 1 if random.random() < 0.7 else random.randint(1, self._pages())
        url = "/accounts/" if page == 1 else f"/accounts/?page={page}"
        self._get(url, names.ACCOUNTS_LIST, _html_check(b"table-wrap"))

    @task(3)
    def account_detail(self):
        if not self.account_ids:
            return self.accounts_list()
        self._get(
            f"/accounts/{random.choice(self.account_ids)}/",
            names.ACCOUNT_DETAIL,
            _html_check(b'id="facts-h"'),
        )

    @task(2)
    def api_list(self):
        offset = 0 if random.random() < 0.7 else PAGE_SIZE * random.randrange(self._pages())
        url = "/api/v1/accounts" if offset == 0 else f"/api/v1/accounts?offset={offset}"
        self._get(url, names.API_LIST, _json_check(lambda body: "items" in body or isinstance(body, list)))

    @task(2)
    def api_detail(self):
        if not self.account_ids:
            return self.api_list()
        pk = random.choice(self.account_ids)
        self._get(f"/api/v1/accounts/{pk}", names.API_DETAIL, _json_check(lambda body: body.get("id") == pk))

    @task(3)  # more samples than its share of real browsing would give: the ratios depend on it
    def floor(self):
        self._get("/healthz", names.FLOOR, lambda response: None if response.text == "ok" else "not ok")


def _html_check(marker: bytes):
    def check(response):
        if marker not in response.content:
            return f"page without {marker.decode()!r}"
        return None

    return check


def _json_check(valid):
    def check(response):
        try:
            body = response.json()
        except ValueError:
            return "not JSON"
        return None if valid(body) else "unexpected JSON"

    return check

"""Benchmark of the reporting API's action endpoint against the action list page (issue 17, "Done when").

Builds the fictional board of bench/action_list.py (20,000 actions) in a THROWAWAY database and times,
through Django's test client as the business manager:

- the action list page (/actions/, 50 rows a page), unfiltered and filtered (status + agency);
- /api/v1/actions/ with the same filters, signed in by a personal API token, at 50 rows a page (the
  page's size) and at 500 (the API's largest), and by the session at 50.

Prints medians, milliseconds per row and the query counts. The goal: the API no slower per row.

    python bench/api_actions.py                      # temporary SQLite file, deleted afterwards
    python bench/api_actions.py --postgres postgres://postgres@127.0.0.1:5432/postgres
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from action_list import throwaway_database  # noqa: E402
from board import build_board  # noqa: E402

RUNS, WARMUP = 15, 3


def measure(pages: list) -> dict:
    """Median ms of each (name, client, url, headers, rows expected) over RUNS interleaved rounds, and its queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = {name: [] for name, *_ in pages}
    for round_number in range(WARMUP + RUNS):
        for name, client, url, headers in pages:
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (url, response.status_code)
            if round_number >= WARMUP:
                timings[name].append(elapsed)
    results = {}
    for name, client, url, headers in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, headers=headers)
        # The page shows 50 rows when there are as many (both lists here have hundreds).
        rows = len(response.json()["results"]) if url.startswith("/api/") else 50
        results[name] = (statistics.median(timings[name]), rows, len(queries))
    return results


def run(board: dict) -> None:
    import hashlib

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from lscb.platform.models import ApiToken

    raw = "lscb_bench-token-0123456789"
    ApiToken.objects.create(
        user=board["manager"], name="bench", prefix=raw[:11], digest=hashlib.sha256(raw.encode()).hexdigest(),
        expires_on=timezone.localdate(),
    )  # fmt: skip
    token = {"Authorization": f"Bearer {raw}"}
    session = Client()
    session.force_login(board["manager"])
    anonymous = Client()
    filtered = f"status=in_progress&agency={board['agency'].pk}"
    pages = [
        ("action list page, unfiltered", session, "/actions/", {}),
        ("API by token, 50 a page, unfiltered", anonymous, "/api/v1/actions/?page_size=50", token),
        ("API by token, 500 a page, unfiltered", anonymous, "/api/v1/actions/?page_size=500", token),
        ("API by session, 50 a page, unfiltered", session, "/api/v1/actions/?page_size=50&format=json", {}),
        ("action list page, filtered", session, f"/actions/?{filtered}", {}),
        ("API by token, 50 a page, filtered", anonymous, f"/api/v1/actions/?page_size=50&{filtered}", token),
        ("API by token, 500 a page, filtered", anonymous, f"/api/v1/actions/?page_size=500&{filtered}", token),
    ]  # fmt: skip
    results = measure(pages)
    print(f"\n{connection.vendor}: {board['count']} actions; median of {RUNS} interleaved rounds")
    print(f"{'request':42} {'median ms':>10} {'rows':>5} {'ms/row':>7} {'queries':>8}")
    for name, (median, rows, queries) in results.items():
        print(f"{name:42} {median:10.1f} {rows:5d} {median / max(rows, 1):7.2f} {queries:8d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server URL; a database is created and dropped")
    args = parser.parse_args()
    url, remove = throwaway_database(args)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "lscb.settings"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ["LSCB_REQUIRE_2FA"] = "0"
    os.environ["LSCB_ALLOW_SIGN_IN_WITHOUT_SECOND_FACTOR"] = "1"
    os.environ["LSCB_API_RATE"] = "100000/min"  # the benchmark measures speed, not the rate limit
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        assert settings.DATABASES["default"]["NAME"] in url, "refusing to run outside the throwaway database"
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        board = build_board()
        print(f"built the board in {time.perf_counter() - started:.1f} s")
        run(board)
    finally:
        remove()


if __name__ == "__main__":
    main()

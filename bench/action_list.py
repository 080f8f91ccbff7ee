"""Benchmark of the action list (issue 3, "Measure").

Builds a large fictional board (200 reviews, 20 agencies, 20,000 actions with their
history, through bulk_create_with_history) in a THROWAWAY database, then times
through Django's test client:

- the action list, unfiltered and filtered (status + agency);
- Django admin's changelist of the same actions with the same filter (a superuser);
- a floor view: the same list template rendered with constant rows and no database
  access in the view, served through the same client and middleware.

Prints medians, the ratio to the floor, the ratio to the admin changelist and the
query counts. Never touches your data:

    python bench/action_list.py                      # temporary SQLite file, deleted afterwards
    python bench/action_list.py --postgres postgres://postgres@127.0.0.1:5432/postgres
                                                     # creates and drops its own database there
"""

import argparse
import datetime
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from board import AGENCIES, REVIEWS, THEMES, build_board, postgres_database  # noqa: E402

RUNS, WARMUP = 25, 3


def throwaway_database(args) -> tuple[str, callable]:
    """A database URL nobody else uses, and how to remove it afterwards."""
    if not args.postgres:
        folder = tempfile.mkdtemp(prefix="lscb-bench-")
        return f"sqlite:///{folder}/bench.sqlite3", lambda: shutil.rmtree(folder, ignore_errors=True)
    return postgres_database(args.postgres, f"lscb_bench_{os.getpid()}")


def floor_view(request):
    """The action list template with 50 constant rows and constant filter options: no queries."""
    from django.core.paginator import Paginator
    from django.http import QueryDict
    from django.template.response import TemplateResponse

    from actions.choices import ActionStatus, AssuranceLevel
    from actions.filters import SORT_CHOICES, ActionFilterSet
    from actions.models import Action
    from actions.views import SORT_HEADERS
    from lscb.platform.pagination import pagination_links
    from reviews import roles
    from reviews.models import Agency, Recommendation, Review

    request.user._lscb_scope = roles.Scope(roles={1: frozenset({roles.MANAGER})})
    review = Review(pk=1, board_id=1, slug="child-1", subject="Child 1", title="Child 1: serious case review")
    agency = Agency(pk=1, name="Agency 01")
    rows = []
    for i in range(50):
        rec = Recommendation(pk=i, review=review, agency=agency, number=f"{i // 5 + 1}.{i % 5 + 1}", text="Text.")
        rows.append(Action(pk=i + 1, recommendation=rec, agency=agency, description=f"Action {i}.",
                           status=ActionStatus.IN_PROGRESS, due_date=datetime.date.today(),
                           assurance_level=AssuranceLevel.AWAITING))  # fmt: skip
    paginator = Paginator(rows * 3, 50)
    page = paginator.get_page(1)
    filterset = ActionFilterSet({}, queryset=Action.objects.none(), request=None)
    filterset.form.fields["agency"].widget.choices = [(str(i), f"Agency {i:02d}") for i in range(AGENCIES)]
    reviews = [(f"child-{i}", f"Child {i}: serious case review") for i in range(REVIEWS)]
    filterset.form.fields["review"].widget.choices = [("", "All reviews"), *reviews]
    filterset.form.fields["theme"].widget.choices = [(str(i), f"Theme {i}") for i in range(THEMES)]
    context = {
        "actions": page.object_list, "page_obj": page, "paginator": paginator, "is_paginated": True,
        "pagination": pagination_links(page, QueryDict()),
        "filterset": filterset, "form": filterset.form, "selected": {"status": ["in_progress"], "agency": ["4"]},
        "sort_choices": SORT_CHOICES, "sort_headers": SORT_HEADERS, "current_sort": "", "sort_label": "number",
        "filtered": True,
    }  # fmt: skip
    return TemplateResponse(request, "actions/action_list.html", context)


def measure(pages: list) -> dict:
    """Median milliseconds of each page over RUNS rounds, and the queries of one request.

    The pages are requested in turn within each round, so a busy machine slows them alike.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = {name: [] for name, _, _ in pages}
    for round_number in range(WARMUP + RUNS):
        for name, client, url in pages:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, url
            if round_number >= WARMUP:
                timings[name].append(elapsed)
    results = {}
    for name, client, url in pages:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        results[name] = (statistics.median(timings[name]), len(queries))
    return results


def run(board: dict) -> None:
    from django.db import connection
    from django.test import Client

    manager, admin = Client(), Client()
    manager.force_login(board["manager"])
    admin.force_login(board["admin"])
    agency = board["agency"].pk
    admin_filter = f"?status__exact=in_progress&agency__id__exact={agency}"
    pages = [
        ("floor (constant rows, no queries in the view)", manager, "/bench/floor/"),
        ("action list, unfiltered", manager, "/actions/"),
        ("action list, filtered", manager, f"/actions/?status=in_progress&agency={agency}"),
        ("admin changelist, unfiltered", admin, "/admin/actions/action/"),
        ("admin changelist, filtered", admin, f"/admin/actions/action/{admin_filter}"),
    ]  # fmt: skip
    results = measure(pages)
    floor = results[pages[0][0]][0]
    print(f"\n{connection.vendor}: {board['count']} actions in {REVIEWS} reviews, {AGENCIES} agencies; "
          f"median of {RUNS} interleaved rounds")  # fmt: skip
    print(f"{'page':48} {'median ms':>10} {'× floor':>8} {'× admin':>8} {'queries':>8}")
    for name, (median, queries) in results.items():
        peer = name.replace("action list", "admin changelist")
        ratio_admin = f"{median / results[peer][0]:.2f}" if peer != name and peer in results else ""
        print(f"{name:48} {median:10.1f} {median / floor:8.2f} {ratio_admin:>8} {queries:8d}")


urlpatterns = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server URL; a database is created and dropped")
    args = parser.parse_args()
    url, remove = throwaway_database(args)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "lscb.settings"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_DEBUG", "0")
    # Two-factor sign-in off, as in the tests: force_login has no second factor, and the check
    # costs every page the same, the floor included.
    os.environ["LSCB_REQUIRE_2FA"] = "0"
    os.environ["LSCB_ALLOW_SIGN_IN_WITHOUT_SECOND_FACTOR"] = "1"
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.urls import clear_url_caches, path

        import lscb.urls

        assert settings.DATABASES["default"]["NAME"] in url, "refusing to run outside the throwaway database"
        urlpatterns[:] = [path("bench/floor/", floor_view), *lscb.urls.urlpatterns]
        settings.ROOT_URLCONF = __name__
        clear_url_caches()
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

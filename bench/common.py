"""Shared set-up for the benchmark scripts: a throwaway database and a fictional board of any size.

Never run against the user's data: by default a temporary SQLite file; with
`--postgres postgres://user@host:port/` a database the script creates and drops.
"""

import argparse
import contextlib
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--postgres", metavar="URL", help="PostgreSQL server URL, e.g. postgres://postgres@127.0.0.1:5432/"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per figure (the median is reported)")
    return parser.parse_args()


@contextlib.contextmanager
def throwaway_database(postgres: str | None):
    """Point Django at a fresh database, migrate it, and remove it afterwards."""
    if postgres:
        import psycopg

        server = postgres.rstrip("/")
        name = f"lscb_bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{server}/{name}"
        try:
            yield _setup(f"PostgreSQL (throwaway database {name})")
        finally:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        with tempfile.TemporaryDirectory(prefix="lscb-bench-") as folder:
            os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
            yield _setup("SQLite (temporary file)")


def _setup(label: str) -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lscb.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
    # Signed in with force_login, so no authenticator is verified; each benchmark compares
    # pages that pass through the same middleware, two-factor check included or not.
    os.environ.setdefault("LSCB_REQUIRE_2FA", "0")
    os.environ.setdefault("LSCB_ALLOW_SIGN_IN_WITHOUT_SECOND_FACTOR", "1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return label


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def interleaved_medians_ms(*functions, repeat: int, clock=time.perf_counter) -> list[float]:
    """Median times of several functions run in turn, so that a busy machine slows them all alike."""
    times: list[list[float]] = [[] for _ in functions]
    for _ in range(repeat):
        for fn, runs in zip(functions, times, strict=True):
            start = clock()
            fn()
            runs.append((clock() - start) * 1000)
    return [statistics.median(runs) for runs in times]


def interleaved_wall_and_cpu_ms(*functions, repeat: int) -> list[tuple[float, float]]:
    """(wall, CPU) medians. CPU time of this process barely moves with other processes' load,
    which makes it the steadier figure on a shared machine for work done in this process.

    A (prepare, fn) pair times fn only, after an untimed prepare()."""
    wall: list[list[float]] = [[] for _ in functions]
    cpu: list[list[float]] = [[] for _ in functions]
    for _ in range(repeat):
        for fn, w, c in zip(functions, wall, cpu, strict=True):
            if isinstance(fn, tuple):
                prepare, fn = fn
                prepare()
            start_wall, start_cpu = time.perf_counter(), time.process_time()
            fn()
            w.append((time.perf_counter() - start_wall) * 1000)
            c.append((time.process_time() - start_cpu) * 1000)
    return [(statistics.median(w), statistics.median(c)) for w, c in zip(wall, cpu, strict=True)]


def analyze() -> None:
    """Refresh the planner's statistics, as autovacuum (PostgreSQL) would on a real board."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def first_board():
    """The deployment's first board (made by the migrations), which the benchmarks' reviews belong to."""
    from reviews.models import Board

    return Board.objects.order_by("pk").first() or Board.objects.create(name="Bench board", slug="bench-board")


def give_role(user, role: str, agencies=()):
    """`role` is a label ("Business manager") or a code ("manager"), on the first board."""
    from reviews import roles
    from reviews.models import Membership

    code = {label: code for code, label in roles.ROLE_CHOICES}.get(role, role)
    membership, _ = Membership.objects.get_or_create(user=user, board=first_board(), role=code)
    membership.agencies.add(*agencies)
    return membership


def user_with_role(username: str, role: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create(username=username, first_name="Bench", last_name=role)
    give_role(user, role)
    return user


def build_board(actions: int, reviews: int = 1, agencies: int = 13, seed: int = 1, prefix: str = "bench"):
    """A fictional board with `actions` actions spread over reviews and agencies, written with history."""
    from simple_history.utils import bulk_create_with_history

    from actions.choices import ActionStatus, AssuranceLevel
    from actions.models import Action
    from assurance.models import AssuranceJudgement
    from reviews.models import Agency, Recommendation, Review, Theme, natural_sort_key

    rng = random.Random(seed)
    today = datetime.date.today()
    agency_rows = [
        Agency.objects.get_or_create(name=f"Agency {n:02d}", defaults={"short_name": f"A{n}"})[0]
        for n in range(agencies)
    ]
    themes = [Theme.objects.get_or_create(name=f"Theme {n}")[0] for n in range(9)]
    review_rows = bulk_create_with_history(
        [
            Review(
                board=first_board(),
                slug=f"{prefix}-{n}",
                subject=f"Child {prefix.upper()}{n}",
                title=f"Child {n}: review",
                commissioned_on=today,
            )
            for n in range(reviews)
        ],
        Review,
    )
    recs = []
    per_review = max(1, actions // 2 // reviews)
    for review in review_rows:
        for k in range(per_review):
            number = f"{k // 4 + 1}.{k % 4 + 1}"
            agency = agency_rows[(k // 4) % agencies]
            text = f"{agency.name} should make sure practitioners hear and record the child's own views ({number})."
            recs.append(
                Recommendation(
                    review=review, agency=agency, number=number, sort_key=natural_sort_key(number), text=text
                )
            )
    recs = bulk_create_with_history(recs, Recommendation)
    Through = Recommendation.themes.through
    Through.objects.bulk_create(
        [Through(recommendation_id=r.pk, theme_id=t.pk) for r in recs for t in rng.sample(themes, 2)]
    )
    statuses, levels = list(ActionStatus), list(AssuranceLevel)
    new_actions = []
    for n in range(actions):
        rec = recs[n % len(recs)]
        status = rng.choice(statuses)
        new_actions.append(
            Action(
                recommendation=rec,
                review_id=rec.review_id,
                agency_id=rec.agency_id,
                description=f"Put recommendation {rec.number} into practice: audit case files and brief managers.",
                lead_officer="Head of Safeguarding",
                due_date=today + datetime.timedelta(days=rng.randint(-200, 300)),
                status=status,
                progress="Work under way; an update was given to the subgroup in March. " * rng.randint(0, 3),
                completed_on=today - datetime.timedelta(days=rng.randint(0, 400))
                if status in ("completed", "evidenced", "embedded")
                else None,
                assurance_level=rng.choice(levels),
                assurance_statement="The board has been assured that the policy was revised and staff briefed."
                if n % 3 == 0
                else "",
            )
        )
    new_actions = bulk_create_with_history(new_actions, Action, batch_size=2000)
    judged = [a for a in Action.objects.filter(recommendation__review__in=review_rows).only("pk")[: actions // 3]]
    bulk_create_with_history(
        [
            AssuranceJudgement(
                action=a,
                level="assured",
                statement="Assured.",
                judged_on=today - datetime.timedelta(days=rng.randint(0, 360)),
            )
            for a in judged
        ],
        AssuranceJudgement,
        batch_size=2000,
    )
    analyze()
    return review_rows

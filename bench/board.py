"""The fictional board the benchmarks share, and the throwaway PostgreSQL databases they build it in.

Imported by bench/action_list.py, bench/load.py and bench/fault.py (each puts bench/ on sys.path by
being run from it). Django is imported inside the functions: a script sets DATABASE_URL before
django.setup(), and only then builds the board.
"""

import datetime
import random
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

REVIEWS, AGENCIES, RECS_PER_REVIEW, ACTIONS_PER_REC, THEMES = 200, 20, 25, 4, 10
PASSWORD = "bench-password-2026"


def postgres_database(server_url: str, name: str) -> tuple[str, Callable[[], None]]:
    """Create database `name` on the server (dropping a leftover of an interrupted run first).

    Returns its URL and a function that drops it. Refuses a name that does not look like a
    benchmark's own, so a typo can never drop somebody's data.
    """
    import psycopg

    if not name.startswith(("lscb_bench", "lscb_load", "lscb_fault")):
        raise ValueError(f"refusing to create or drop {name!r}: not a benchmark database name")
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(urlsplit(server_url)._replace(path=f"/{name}")), drop


def build_board(reviews: int = REVIEWS) -> dict:
    """The fictional board, written in bulk with history rows: `reviews` × 25 recommendations × 4 actions."""
    from common import first_board, give_role
    from django.contrib.auth.models import User
    from django.db import connection
    from simple_history.utils import bulk_create_with_history

    from actions.choices import ActionStatus, AssuranceLevel
    from actions.models import Action
    from reviews import roles
    from reviews.models import Agency, Recommendation, Review, Theme, natural_sort_key

    rng = random.Random(2026)
    admin = User.objects.create_superuser("bench-admin", "admin@example.org", PASSWORD)
    manager = User.objects.create_user("bench-manager", "manager@example.org", PASSWORD)
    give_role(manager, roles.BUSINESS_MANAGER)
    board = first_board()
    agencies = bulk_create_with_history(
        [Agency(name=f"Agency {i:02d}", short_name=f"A{i:02d}") for i in range(AGENCIES)], Agency, default_user=admin
    )
    themes = bulk_create_with_history([Theme(name=f"Theme {i}") for i in range(THEMES)], Theme, default_user=admin)
    start = datetime.date(2018, 1, 1)
    reviews = bulk_create_with_history(
        [
            Review(
                board=board,
                slug=f"child-{i}",
                subject=f"Child {i}",
                title=f"Child {i}: serious case review",
                reference=f"SCR {i}",
                commissioned_on=start + datetime.timedelta(days=9 * i),
            )  # fmt: skip
            for i in range(reviews)
        ],
        Review,
        default_user=admin,
    )
    recs = []
    for review in reviews:
        for n in range(RECS_PER_REVIEW):
            number = f"{n // 5 + 1}.{n % 5 + 1}"
            rec = Recommendation(review=review, agency=rng.choice(agencies), number=number, text=f"{number} text.")
            rec.sort_key = natural_sort_key(number)  # bulk_create skips Recommendation.save()
            recs.append(rec)
    recs = bulk_create_with_history(recs, Recommendation, batch_size=2000, default_user=admin)
    through = Recommendation.themes.through
    through.objects.bulk_create([through(recommendation=rec, theme=rng.choice(themes)) for rec in recs])
    today = datetime.date.today()
    actions = [
        Action(
            recommendation=rec,
            review_id=rec.review_id,
            agency_id=rec.agency_id,
            description=f"Action {i} on {rec.number}.",
            lead_officer="Head of Safeguarding",
            status=rng.choice(ActionStatus.values),
            due_date=today + datetime.timedelta(days=rng.randint(-300, 400)),
            assurance_level=rng.choice(AssuranceLevel.values),
            progress="Work is under way.",
        )  # fmt: skip
        for rec in recs
        for i in range(ACTIONS_PER_REC)
    ]
    bulk_create_with_history(actions, Action, batch_size=2000, default_user=admin)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after a bulk load: the planner needs row counts
    return {
        "admin": admin,
        "manager": manager,
        "agency": agencies[3],
        "agencies": agencies,
        "reviews": reviews,
        "count": Action.objects.count(),
    }

"""Time the dashboard at 20,000 actions against a floor view: the same template with constant figures.

    python bench/dashboard.py [--postgres postgres://postgres@127.0.0.1:5432/] [--repeat 15]

All go through a full GET request (session, sign-in, middleware, template);
the floor view's figures are computed once beforehand, so the difference is
the cost of the dashboard's queries. Measured three ways: with every figure
counted (the cache emptied first, as after a restart); after one action was
changed (its review recounted, the other reviews' counts from the cache); and
with the figures from the cache (data unchanged). Goal: dashboard ≤ 2× the floor.
"""

import itertools
import os

from common import (
    analyze,
    arguments,
    build_board,
    interleaved_wall_and_cpu_ms,
    throwaway_database,
    user_with_role,
)

ACTIONS = 20_000


def floor_urls(board):
    """The project's URLs plus /bench-floor/: the dashboard view with `board` fixed."""
    from django.urls import path

    from lscb import urls
    from lscb.board.dashboard import views

    class FloorView(views.DashboardView):
        def get_context_data(self, **kwargs):
            context = super(views.DashboardView, self).get_context_data(**kwargs)
            # Drawn afresh each time: `board` has no cache key.
            context.update(roles=["Subgroup chair"], board=board, perms_print=True)
            context["figures"] = views.figures_html(board, perms_print=True)
            return context

    class Urls:
        urlpatterns = [path("bench-floor/", FloorView.as_view(), name="bench-floor"), *urls.urlpatterns]

    return Urls


def main() -> None:
    args = arguments(__doc__)
    with throwaway_database(args.postgres) as label:
        from django.core.cache import cache
        from django.db import connection
        from django.test import Client, override_settings

        from actions.choices import ActionStatus
        from actions.models import Action
        from lscb.board.dashboard import figures as dashboard
        from reviews import roles

        build_board(ACTIONS, reviews=int(os.environ.get("BENCH_REVIEWS", 10)), agencies=13, prefix="dash")
        analyze()
        user = user_with_role("bench-chair", roles.SUBGROUP_CHAIR)
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"Dashboard benchmark on {label}: {Action.objects.count():,} actions; median of {args.repeat} runs")
        print(f"load average {load}")
        board = dashboard.build(user)
        client = Client()
        client.force_login(user)
        with override_settings(ROOT_URLCONF=floor_urls(board)):
            for url in ("/dashboard/", "/bench-floor/"):
                assert client.get(url).status_code == 200  # warm
            cache.clear()
            queries = []
            with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
                dashboard.cached_build(user)

            def cold():
                cache.clear()  # as after a restart
                client.get("/dashboard/")

            changing = Action.objects.order_by("pk")[ACTIONS // 2]
            statuses = itertools.cycle([ActionStatus.IN_PROGRESS, ActionStatus.COMPLETED])

            def change_one_action():
                changing.status = next(statuses)
                changing.save()

            real, changed, cached, floor = interleaved_wall_and_cpu_ms(
                cold,
                (change_one_action, lambda: client.get("/dashboard/")),
                lambda: client.get("/dashboard/"),
                lambda: client.get("/bench-floor/"),
                repeat=args.repeat,
            )
            review_counts = one_review_counted(repeat=args.repeat)
        # CPU is this process only: on SQLite that includes the queries, on PostgreSQL it does not.
        print(f"{'':58} {'wall ms':>8} {'ratio':>6} {'CPU ms':>7} {'ratio':>6}")
        for name, (wall, cpu) in [
            ("floor view (same template, constant figures)", floor),
            (f"dashboard, every figure counted ({len(queries)} queries)", real),
            ("dashboard after one action changed (one review recounted)", changed),
            ("dashboard, figures from the cache (data unchanged)", cached),
        ]:
            print(f"{name:58} {wall:>8.0f} {wall / floor[0]:>5.2f}× {cpu:>7.0f} {cpu / floor[1]:>5.2f}×")
        print("One review's action counts (the query a change costs), selected two ways:")
        for name, (wall, cpu) in review_counts.items():
            print(f"  {name:56} {wall:>8.1f} ms wall {cpu:>7.1f} ms CPU")


def one_review_counted(repeat: int) -> dict:
    """Action.review's worth: one review's action counts through its index, and through the join
    to recommendations that would replace it."""
    from django.utils import timezone

    from actions.models import Action
    from lscb.board.dashboard import parts
    from reviews.models import Review

    today = timezone.localdate()
    review = Review.objects.order_by("pk")[len(Review.objects.all()) // 2]
    ways = {
        "by Action.review (the copy, its index)": Action.objects.filter(review=review),
        "by the recommendation's review (a join)": Action.objects.filter(recommendation__review=review),
    }
    timed = interleaved_wall_and_cpu_ms(
        *[lambda qs=qs: parts._count_actions(qs, today, lambda pk: parts.ReviewPart()) for qs in ways.values()],
        repeat=repeat,
    )
    return dict(zip(ways, timed, strict=True))


if __name__ == "__main__":
    main()

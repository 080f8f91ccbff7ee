"""Time the dashboard at 20,000 actions against a floor view: the same template with constant figures.

    python bench/dashboard.py [--postgres postgres://postgres@127.0.0.1:5432/] [--repeat 15]

All go through a full GET request (session, sign-in, middleware, template);
the floor view's figures are computed once beforehand, so the difference is
the cost of the dashboard's queries. Measured twice: with the figures computed
(the cache emptied first, as after any change to the board's data) and with
the figures from the cache. Goal: dashboard ≤ 2× the floor.
"""

import os

from common import arguments, build_board, interleaved_medians_ms, throwaway_database, user_with_role

ACTIONS = 20_000


def floor_urls(board):
    """The project's URLs plus /bench-floor/: the dashboard view with `board` fixed."""
    from django.urls import path

    from lscb import urls, views

    class FloorView(views.DashboardView):
        def get_context_data(self, **kwargs):
            context = super(views.DashboardView, self).get_context_data(**kwargs)
            context.update(roles=["Subgroup chair"], board=board, perms_print=True)
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

        from actions.models import Action
        from lscb import dashboard, roles

        build_board(ACTIONS, reviews=10, agencies=13, prefix="dash")
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
                cache.clear()  # as after any change to the board's data
                client.get("/dashboard/")

            real, cached, floor = interleaved_medians_ms(
                cold, lambda: client.get("/dashboard/"), lambda: client.get("/bench-floor/"), repeat=args.repeat
            )
        print(f"floor view (same template, constant figures): {floor:.0f} ms")
        print(
            f"dashboard, figures computed ({len(queries)} queries after sign-in): {real:.0f} ms, "
            f"ratio {real / floor:.2f}×"
        )
        print(f"dashboard, figures from the cache (data unchanged): {cached:.0f} ms, ratio {cached / floor:.2f}×")


if __name__ == "__main__":
    main()

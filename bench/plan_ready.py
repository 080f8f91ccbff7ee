"""Time from a change to the ready plan, at 50 and 500 actions, with a real worker (DESIGN.md §13).

    python bench/plan_ready.py [--postgres postgres://postgres@127.0.0.1:5432/] [--repeat 3]

For each size: one action's progress is changed (committed, as a request would),
which queues a print of its review; a `manage.py db_worker` process (default
poll interval, 1 s) prints the whole plan and every agency's extract into the
ready folder. Reported: milliseconds from the commit to the whole plan ready,
and to every extract ready; then what a print of the ready plan costs through
a full request (it reads the file: no rendering).
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

from common import ROOT, arguments, build_board, median_ms, throwaway_database, user_with_role

SIZES = (50, 500)
TIMEOUT_S = 600


def wait_until(done, timeout: float = TIMEOUT_S) -> float:
    """Seconds until done() is true, polled every 20 ms."""
    start = time.perf_counter()
    while not done():
        if time.perf_counter() - start > timeout:
            raise TimeoutError("the worker did not print the plan in time")
        time.sleep(0.02)
    return time.perf_counter() - start


def main() -> None:
    args = arguments(__doc__)
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="lscb-bench-media-")
    with throwaway_database(args.postgres) as label:
        from django.db import connection
        from django.test import Client

        from actions.models import Action
        from actions.plan import ready
        from reviews import roles
        from reviews.models import Agency

        worker = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "db_worker", "--no-startup-delay"],
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
            print(f"Change to ready plan on {label}; median of {args.repeat} changes; load average {load}\n")
            print(f"{'actions':>8} {'extracts':>9} {'whole plan ready':>17} {'every extract ready':>20} {'print':>8}")
            chair = user_with_role("bench-chair", roles.SUBGROUP_CHAIR)
            client = Client()
            client.force_login(chair)
            for size in SIZES:
                review = build_board(size, prefix=f"ready{size}")[0]
                ids = set(Action.objects.filter(recommendation__review=review).values_list("agency_id", flat=True))
                agencies = list(Agency.objects.filter(pk__in=ids))

                def all_ready(review=review, agencies=agencies):
                    return all(ready.lookup(review, agency).found for agency in agencies)

                wait_until(lambda review=review: ready.lookup(review, None).pdf is not None)  # the board's own build
                wait_until(all_ready)
                whole, every = [], []
                action = Action.objects.filter(recommendation__review=review).first()
                for n in range(args.repeat):
                    action.progress = f"Progress update {n} for the benchmark."
                    action.save()  # autocommit: committed now, and the print queued on commit
                    start = time.perf_counter()
                    whole.append(wait_until(lambda review=review: ready.lookup(review, None).pdf is not None))
                    wait_until(all_ready)
                    every.append(time.perf_counter() - start)
                url = f"/reviews/{review.slug}/plan.pdf"
                assert client.get(url).status_code == 200
                served = median_ms(lambda url=url: client.get(url), repeat=max(args.repeat, 5))
                print(
                    f"{size:>8} {len(agencies):>9} {statistics.median(whole) * 1000:>14.0f} ms "
                    f"{statistics.median(every) * 1000:>17.0f} ms {served:>5.0f} ms"
                )
            connection.close()
        finally:
            worker.terminate()
            worker.wait(timeout=30)


if __name__ == "__main__":
    main()

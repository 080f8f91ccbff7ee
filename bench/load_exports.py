"""Load test for issue 12's goal: PDF exports of the action list do not hold the service.

The world of bench/load.py (gunicorn with 4 workers and the task worker, on a throwaway PostgreSQL
database with 20,000 actions). Three read-only subgroup chairs each ask at once for a PDF of about
5,000 actions (a status filter chosen by counting, printed below), while 20 virtual users browse the
normal mix of bench/load.py. Each exporter follows the export as a person would: the 303 to the
export's page, that page polled every 2 s until the download link appears, then the download, which
must start with %PDF. Browsing goes on until every export is ready (at least --seconds, at most
--max-seconds).

    python bench/load_exports.py                    # 20 browsing users, 3 exports of about 5,000 actions
    python bench/load_exports.py --seconds 60 --max-seconds 400

Goal: /healthz p99 under 1 s, 0 errors on pages, every export ready in the worker and a real PDF.
"""

import argparse
import itertools
import re
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import PAGES, print_answers, sign_in_everyone, virtual_users  # noqa: E402
from load import mix_for as browsing_mix  # noqa: E402
from load_world import Server, create_world  # noqa: E402
from loadgen import Browser, MachineWatch, Recorder, report  # noqa: E402

HEALTHZ_P99_MS = 1000
POLL_SECONDS = 2
ROWS = re.compile(rb'govuk-panel__body">\s*([\d,]+) action')


@dataclass
class Export:
    """One exporter's export: when it was asked for, when the page showed the link, what came down."""

    user: str
    asked: float = 0.0
    ready: float | None = None
    downloaded: float | None = None
    rows: int | None = None
    size: int = 0
    is_pdf: bool = False
    failure: str = ""


def status_filter(target: int) -> tuple[list[str], int]:
    """The statuses whose actions together number closest to `target` (counted in the database)."""
    from django.db.models import Count

    from actions.models import Action

    counts = dict(Action.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    subsets = (combo for size in range(1, len(counts) + 1) for combo in itertools.combinations(sorted(counts), size))
    best = min(subsets, key=lambda combo: abs(sum(counts[s] for s in combo) - target))
    return list(best), sum(counts[s] for s in best)


def export_one(browser: Browser, export: Export, query: str, give_up: float) -> None:
    """Ask for the PDF, follow its page until the download link shows, then download it."""
    export.asked = time.monotonic()
    status, _ = browser.request("export: ask (303)", "GET", f"/actions/?{query}&export=pdf", expect=303)
    if status != 303:
        export.failure = f"the list answered {status}, not 303"
        return
    page = browser.location.removeprefix(f"http://127.0.0.1:{browser.port}")
    while time.monotonic() < give_up:
        status, body = browser.request("export: progress page", "GET", page, expect=(200, 202))
        if status == 200 and b"/download/" in body:
            export.ready = time.monotonic()
            found = ROWS.search(body)
            export.rows = int(found.group(1).replace(b",", b"")) if found else None
            break
        if status == 200 and b"could not be prepared" in body:
            export.failure = "the worker could not prepare it"
            return
        time.sleep(POLL_SECONDS)
    else:
        export.failure = "not ready in time"
        return
    status, data = browser.request("export: download", "GET", page.rstrip("/") + "/download/")
    export.downloaded, export.size, export.is_pdf = time.monotonic(), len(data), data.startswith(b"%PDF")
    if status != 200:
        export.failure = f"the download answered {status}"


def browse(vus, mixes, think, stop: threading.Event) -> list[threading.Thread]:
    """The browsing users, each in a thread, until `stop` is set."""

    def loop(index: int) -> None:
        import random

        rng = random.Random(index)
        stop.wait(rng.uniform(0, think[1]))
        while not stop.is_set():
            tasks, weights = zip(*mixes[index], strict=True)
            rng.choices(tasks, weights)[0](vus[index], rng)
            stop.wait(rng.uniform(*think))

    threads = [threading.Thread(target=loop, args=(n,), daemon=True) for n in range(len(vus))]
    for thread in threads:
        thread.start()
    return threads


def run(world, browsers: int, exporters: int, target: int, seconds: float, most: float, think) -> bool:
    from django.db import connections

    statuses, expected_rows = status_filter(target)
    query = "&".join(f"status={status}" for status in statuses)
    connections.close_all()
    setup = Recorder()
    vus = virtual_users(world, setup, world.server.port)
    chairs = [vu for vu in vus if vu.user.role == "Subgroup chair"][:exporters]
    browsing = [vu for vu in vus if vu not in chairs][:browsers]
    if len(chairs) < exporters or len(browsing) < browsers:
        raise SystemExit("not enough users of each kind; see ROLE_CYCLE in load_world.py")
    signed_in = sign_in_everyone(chairs + browsing)
    if signed_in != len(chairs + browsing):
        raise SystemExit(f"{len(chairs + browsing) - signed_in} sign-ins failed; see the server log")
    print(f"\n{signed_in} users signed in. Export filter {query}: {expected_rows:,} of "
          f"{world.counts['actions']:,} actions", flush=True)  # fmt: skip
    pages, exports_log = Recorder(), Recorder()
    for vu in browsing:
        vu.browser.recorder = pages
    for vu in chairs:
        vu.browser.recorder = exports_log
    mixes = [browsing_mix(vu, True, 1) for vu in browsing]
    exports = [Export(vu.user.username) for vu in chairs]
    stop = threading.Event()
    started = time.monotonic()
    print(f"running {browsers} browsing users and {exporters} exports (at least {seconds:.0f} s, "
          f"at most {most:.0f} s) ...", flush=True)  # fmt: skip
    with MachineWatch(world.server.cpu_groups()) as machine:
        threads = browse(browsing, mixes, think, stop)
        time.sleep(2)  # the browsing has begun when the three exports are asked for, at once
        give_up = started + most
        exporting = [
            threading.Thread(target=export_one, args=(vu.browser, export, query, give_up), daemon=True)
            for vu, export in zip(chairs, exports, strict=True)
        ]
        for thread in exporting:
            thread.start()
        for thread in exporting:
            thread.join()
        time.sleep(max(0.0, started + seconds - time.monotonic()))
        stop.set()
        for thread in threads:
            thread.join(timeout=40)
    wall = time.monotonic() - started
    return summary(world, pages, exports_log, exports, machine, wall, browsers, expected_rows)


def summary(world, pages, exports_log, exports, machine, wall, browsers, expected_rows) -> bool:
    print(f"\n{world.counts['actions']:,} actions; gunicorn 4 workers + 1 task worker; {browsers} browsing users; "
          f"{wall:.0f} s")  # fmt: skip
    rows = report(pages.samples, wall, PAGES)
    print(print_answers(pages.samples))
    print("\nthe exporters' requests:")
    report(exports_log.samples, wall)
    print(machine.summary())
    print(f"\nexports (about {expected_rows:,} actions each), seconds from the request:")
    for export in exports:
        ready = f"{export.ready - export.asked:6.1f}" if export.ready else "     -"
        down = f"{export.downloaded - export.asked:6.1f}" if export.downloaded else "     -"
        print(f"  {export.user}: ready {ready}, downloaded {down}; {export.rows} rows, {export.size:,} bytes, "
              f"{'starts with %PDF' if export.is_pdf else 'NOT a PDF'} {export.failure}")  # fmt: skip
    errors = sum(row["errors"] for row in rows.values())
    healthz = rows.get("healthz", {}).get("p99", float("inf"))
    done = all(export.is_pdf and not export.failure for export in exports)
    met = errors == 0 and healthz < HEALTHZ_P99_MS and done
    print(f"goal (/healthz p99 < {HEALTHZ_P99_MS} ms, 0 errors on pages, every export a PDF): "
          f"{'met' if met else 'MISSED'} (p99 {healthz:.0f} ms, {errors} errors, "
          f"{sum(e.is_pdf for e in exports)} of {len(exports)} exports)")  # fmt: skip
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432/postgres", help="PostgreSQL server")
    parser.add_argument("--browsers", type=int, default=20, help="page-browsing users (at most 100)")
    parser.add_argument("--exporters", type=int, default=3, help="users asking for a PDF export at once (1 to 4)")
    parser.add_argument("--rows", type=int, default=5000, help="about how many actions each export holds")
    parser.add_argument("--seconds", type=float, default=60, help="least length of the browsing")
    parser.add_argument("--max-seconds", type=float, default=400, help="give up on the exports after this")
    parser.add_argument("--think", default="1,3", help="think time after each step, min,max seconds")
    parser.add_argument("--reviews", type=int, default=200, help="reviews of 100 actions each")
    parser.add_argument("--evidence", type=int, default=300, help="actions seeded with an evidence file")
    args = parser.parse_args()
    think = tuple(float(x) for x in args.think.split(","))
    if not (1 <= args.browsers <= 100 and 1 <= args.exporters <= 4 and 1 <= args.seconds <= args.max_seconds <= 900):
        parser.error("bounded: 1 to 100 browsers, 1 to 4 exporters, --seconds <= --max-seconds <= 900")
    # Users in load_world.ROLE_CYCLE order, one in five a subgroup chair: enough for the chairs who export.
    users = next(n for n in itertools.count(args.browsers + args.exporters) if (n + 1) // 5 >= args.exporters)
    folder, world = tempfile.mkdtemp(prefix="lscb-load-"), None
    try:
        world = create_world(args.server, "lscb_load", users, args.reviews, args.evidence)
        world.server = Server(world, folder)
        world.server.start()
        met = run(world, args.browsers, args.exporters, args.rows, args.seconds, args.max_seconds, think)
        if not met:
            print("task worker log (last lines):\n" + world.server.worker_log_tail())
    finally:
        if world:
            world.close()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

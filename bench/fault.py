"""Fault test (issue 7, "Measure"): restart PostgreSQL in the middle of a load run with writes.

Builds a throwaway world as bench/load.py does (database `lscb_fault`, 5,000 actions by default),
starts gunicorn (4 workers, production settings), signs 20 users in, then runs 60 s of load in which
business managers change statuses through the status form and managers and agency leads add progress
updates, among page reads. At 20 s it stops PostgreSQL (fast shutdown), waits 3 s and starts it
again; PostgreSQL is ALWAYS started again, on an error or Ctrl-C too, and the outage is kept short
because other people share the server. Then it prints:

- the seconds during which requests failed, and how long after PostgreSQL answered again the app
  answered again (gunicorn's workers reconnect by themselves: CONN_HEALTH_CHECKS);
- that no request failed after that, and which workers answered afterwards;
- that no partial write exists: every status change and progress update the generator saw succeed
  (a redirect after its POST) is in the database exactly once with exactly one history row, every
  write whose answer was lost is there completely or not at all, and no history row lacks its object.

    python bench/fault.py                                # about 2 minutes in all; needs root (pg_ctlcluster)
    python bench/fault.py --users 20 --seconds 60 --restart-at 20 --down 3
"""

import argparse
import datetime
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import VirtualUser, action_list, action_page, dashboard, healthz, sign_in_everyone, virtual_users  # noqa: E402
from load_world import Server, World, create_world  # noqa: E402
from loadgen import SEEN, MachineWatch, Recorder, report, run_users  # noqa: E402

PREFIX = "fault-test "
STATUSES = ["in_progress", "completed", "not_started", "evidenced", "embedded", "superseded"]
MAX_DOWN_SECONDS = 8
LEDGER: dict[str, dict] = {}  # marker -> kind, action, outcome ("ok", "unknown", "refused"); dict writes are atomic


def outcome(status: int) -> str:
    """A redirect is success; no answer or a 5xx may or may not have committed; anything else was refused."""
    if status == 302:
        return "ok"
    return "unknown" if status == 0 or status >= 500 else "refused"


def change_status(vu: VirtualUser, rng, own: list[int], counter: list[int]) -> None:
    pk = rng.choice(own)
    status, body = vu.browser.request("status form", "GET", f"/actions/{pk}/status/")
    seen = SEEN.search(body)
    if status != 200 or not seen:
        return
    counter[0] += 1
    marker = f"{PREFIX}{vu.user.username} {counter[0]}"
    fields = {"status": rng.choice(STATUSES), "status_reason": "", "note": marker, "seen": seen.group(1).decode()}
    LEDGER[marker] = {"kind": "status", "action": pk, "outcome": "unknown"}
    answer, _ = vu.browser.post("status change (POST)", f"/actions/{pk}/status/", fields)
    LEDGER[marker]["outcome"] = outcome(answer)


def add_progress(vu: VirtualUser, rng, own: list[int], counter: list[int]) -> None:
    pk = rng.choice(own)
    status, _ = vu.browser.request("progress form", "GET", f"/actions/{pk}/progress/new/")
    if status != 200:
        return
    counter[0] += 1
    marker = f"{PREFIX}{vu.user.username} {counter[0]}"
    fields = {"written_on": datetime.date.today().isoformat(), "text": marker}
    LEDGER[marker] = {"kind": "progress", "action": pk, "outcome": "unknown"}
    answer, _ = vu.browser.post("progress update (POST)", f"/actions/{pk}/progress/new/", fields)
    LEDGER[marker]["outcome"] = outcome(answer)


def step_for(vu: VirtualUser, own: list[int]):
    """Managers change statuses and add progress, leads add progress, chairs read; everyone reads."""
    counter = [0]
    writes = {"Business manager": [(change_status, 3), (add_progress, 2)], "Agency lead": [(add_progress, 3)]}
    reads = [(action_page, 3), (action_list, 1), (dashboard, 1), (healthz, 1)]
    tasks, weights = zip(*(writes.get(vu.user.role, []) + reads), strict=True)

    def step(rng) -> None:
        task = rng.choices(tasks, weights)[0]
        if task in (change_status, add_progress):
            task(vu, rng, own, counter)
        else:
            task(vu, rng)

    return step


class Postgres:
    """The local cluster behind the server URL, stopped and started with pg_ctlcluster."""

    def __init__(self, server_url: str):
        parts = urlsplit(server_url)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("the fault test restarts PostgreSQL, so it only runs against a local server")
        port = str(parts.port or 5432)
        listing = subprocess.check_output(["pg_lsclusters", "--no-header"], text=True)
        clusters = [line.split() for line in listing.splitlines()]
        found = [c for c in clusters if len(c) > 2 and c[2] == port]
        if not found:
            raise SystemExit(f"no local PostgreSQL cluster on port {port} (pg_lsclusters)")
        self.version, self.name, self.url = found[0][0], found[0][1], server_url
        self.stopped = False

    def ctl(self, action: str, *extra: str) -> None:
        command = ["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, action, *extra]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def stop(self) -> None:
        self.stopped = True  # before the command: if it is interrupted half-way, start() still runs
        self.ctl("stop", "-m", "fast")

    def start(self) -> None:
        for attempt in range(5):
            try:
                self.ctl("start")
                break
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
                if attempt == 4:
                    raise
                time.sleep(1)
        self.stopped = False

    def answers(self) -> bool:
        """Does the server accept a connection and answer a query now?"""
        try:
            with psycopg.connect(self.url, connect_timeout=2) as conn:
                conn.execute("SELECT 1")
            return True
        except psycopg.Error:
            return False


def other_connections(world: World) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname, count(*) FROM pg_stat_activity WHERE datname IS NOT NULL AND datname <> %s "
            "GROUP BY datname ORDER BY datname",
            [world.database_url.rsplit("/", 1)[1]],
        )
        rows = cursor.fetchall()
    connection.close()
    return ", ".join(f"{name} ({count})" for name, count in rows) or "none"


def restart(postgres: Postgres, origin: float, down: float) -> dict:
    """Stop, wait `down` seconds, start; the times are seconds since `origin` (the load's clock).

    "ready" is when a new connection first answers a query, watched from a thread every 0.1 s,
    since pg_ctlcluster returns some time after the server accepts connections.
    """
    events = {"stop": time.monotonic() - origin}
    watcher = threading.Thread(target=watch_until_ready, args=(postgres, origin, events), daemon=True)
    try:
        postgres.stop()
        events["stopped"] = time.monotonic() - origin
        time.sleep(down)
    finally:
        events["start"] = time.monotonic() - origin
        watcher.start()
        postgres.start()
    watcher.join(timeout=60)
    events.setdefault("ready", time.monotonic() - origin)
    return events


def watch_until_ready(postgres: Postgres, origin: float, events: dict) -> None:
    deadline = time.monotonic() + 60
    while not postgres.answers() and time.monotonic() < deadline:
        time.sleep(0.1)
    events["ready"] = time.monotonic() - origin


def table_counts() -> dict[str, int]:
    from actions.models import Action, ProgressUpdate

    return {
        "actions": Action.objects.count(),
        "action history rows": Action.history.count(),
        "progress updates": ProgressUpdate.objects.count(),
        "progress update history rows": ProgressUpdate.history.count(),
    }


def check_writes(before: dict[str, int]) -> bool:
    """Compare what the database holds with what the generator saw. True when nothing is partial."""
    from django.db.models import F, OuterRef, Subquery

    from actions.models import Action, ProgressUpdate

    history = Action.history.model
    status_rows = Counter(history.objects.filter(history_change_reason__startswith=PREFIX)
                          .values_list("history_change_reason", flat=True))  # fmt: skip
    updates = Counter(ProgressUpdate.objects.filter(text__startswith=PREFIX).values_list("text", flat=True))
    update_rows = Counter(ProgressUpdate.history.filter(text__startswith=PREFIX).values_list("text", flat=True))
    copied = Counter(history.objects.filter(progress__startswith=PREFIX, history_change_reason="Progress update added")
                     .values_list("progress", flat=True))  # fmt: skip
    problems, committed_unknown = [], Counter()
    for marker, write in LEDGER.items():
        found = (
            [status_rows[marker]]
            if write["kind"] == "status"
            else [updates[marker], update_rows[marker], copied[marker]]
        )
        complete, absent = all(n == 1 for n in found), all(n == 0 for n in found)
        if write["outcome"] == "ok" and not complete:
            problems.append(f"{marker}: succeeded but found {found}")
        elif write["outcome"] == "unknown" and not (complete or absent):
            problems.append(f"{marker}: answer lost and PARTIAL {found}")
        elif write["outcome"] == "refused" and not absent:
            problems.append(f"{marker}: refused but found {found}")
        committed_unknown[write["kind"]] += write["outcome"] == "unknown" and complete
    unsent = (set(status_rows) | set(updates) | set(update_rows)) - set(LEDGER)
    problems += [f"{marker}: in the database but never sent" for marker in unsent]
    orphans = ProgressUpdate.history.exclude(id__in=ProgressUpdate.objects.values("id")).count()
    orphans += history.objects.exclude(id__in=Action.objects.values("id")).count()
    # Every save of an action writes one history row, the marker its forms carry: the latest row must
    # hold the action as it is, or a stale form could pass the lost-update check.
    latest = history.objects.filter(id=OuterRef("pk")).order_by("-history_id")
    current = Action.objects.annotate(seen_status=Subquery(latest.values("status")[:1]))
    drift = current.exclude(status=F("seen_status")).count()
    after = table_counts()
    print_write_figures(before, after, committed_unknown, orphans, drift)
    for problem in problems[:20]:
        print("  PROBLEM", problem)
    ok_by_kind = Counter(w["kind"] for w in LEDGER.values() if w["outcome"] == "ok")
    expected = {
        "actions": 0,
        "progress updates": ok_by_kind["progress"] + committed_unknown["progress"],
        "progress update history rows": ok_by_kind["progress"] + committed_unknown["progress"],
        "action history rows": ok_by_kind["status"] + committed_unknown["status"]
        + ok_by_kind["progress"] + committed_unknown["progress"],
    }  # fmt: skip
    deltas_agree = all(after[name] - before[name] == expected[name] for name in expected)
    print(f"  table growth equals the successful writes (plus lost answers that committed): {deltas_agree}")
    return not problems and not orphans and not drift and deltas_agree


def print_write_figures(before: dict, after: dict, committed_unknown: Counter, orphans: int, drift: int) -> None:
    outcomes = Counter((w["kind"], w["outcome"]) for w in LEDGER.values())
    print("\nwrites, as the generator saw them, and the database afterwards:")
    for kind in ("status", "progress"):
        print(f"  {kind:8}: {outcomes[kind, 'ok']} succeeded (302), {outcomes[kind, 'unknown']} lost their answer "
              f"({committed_unknown[kind]} of those committed completely), "
              f"{outcomes[kind, 'refused']} refused")  # fmt: skip
    for name in before:
        print(f"  {name:30} {before[name]:8d} -> {after[name]:8d} (+{after[name] - before[name]})")
    print(f"  history rows without their object: {orphans}; actions unlike their latest history row: {drift}")


def print_timeline(recorder: Recorder, events: dict) -> bool:
    """When requests failed, in seconds on the run's clock; True when none failed after the app recovered.

    Recovered: the first request started after PostgreSQL answered again that succeeded.
    """
    origin = recorder.origin
    samples = sorted(recorder.samples, key=lambda s: s.started)
    failed = [s for s in samples if not s.ok]
    print(f"\nPostgreSQL: stop at {events['stop']:.1f} s, down at {events['stopped']:.1f} s, start at "
          f"{events['start']:.1f} s, answering at {events['ready']:.1f} s "
          f"(outage {events['ready'] - events['stop']:.1f} s)")  # fmt: skip
    if not failed:
        print("no request failed")
        return True
    ready = origin + events["ready"]
    recovered = min((s.ended for s in samples if s.ok and s.started >= ready), default=None)
    late = [s for s in failed if recovered is None or s.started > recovered]
    first, last = failed[0].started - origin, max(s.ended for s in failed) - origin
    print(f"failed requests: {len(failed)} {dict(Counter(s.status for s in failed))} (status 0: no answer; "
          f"503: the database was unreachable, the page says so; 500: anything else)")  # fmt: skip
    print(f"requests failed from {first:.1f} s to {last:.1f} s: {last - first:.1f} s of errors")
    if recovered is None:
        print("the app did NOT recover before the run ended")
        return False
    print(f"the app answered again {recovered - ready:.2f} s after PostgreSQL did; "
          f"requests failed after that: {len(late)}")  # fmt: skip
    per_second = Counter((int(s.started - origin), s.ok) for s in samples)
    span = range(int(events["stop"]) - 2, int(events["ready"]) + 4)
    print("second: ok/failed  " + "  ".join(f"{t}:{per_second[t, True]}/{per_second[t, False]}" for t in span))
    return not late


def worker_figures(server: Server, pids_before: list[int]) -> str:
    """Which gunicorn workers answered successfully after the last failed answer (access log: pid first)."""
    lines = [line.split() for line in Path(server.access_log).read_text().splitlines() if line.strip()]
    last_failure = max((n for n, parts in enumerate(lines) if parts[3].startswith("5")), default=-1)
    after = Counter(parts[0].strip("<>") for parts in lines[last_failure + 1 :] if parts[3][0] in "23")
    pids_after = server.worker_pids()
    answered = ", ".join(f"pid {pid}: {n}" for pid, n in sorted(after.items()))
    return (
        f"workers before {pids_before}, after {pids_after} ({'same' if pids_before == pids_after else 'CHANGED'}); "
        f"successful answers after the last failure: {answered}"
    )


def interrupted(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432/postgres", help="local PostgreSQL")
    parser.add_argument("--users", type=int, default=20, help="concurrent virtual users (at most 100)")
    parser.add_argument("--seconds", type=float, default=60, help="length of the run (at most 300)")
    parser.add_argument("--restart-at", type=float, default=20, help="seconds into the run")
    parser.add_argument(
        "--down", type=float, default=3, help=f"seconds PostgreSQL stays down (at most {MAX_DOWN_SECONDS})"
    )
    parser.add_argument("--reviews", type=int, default=50, help="reviews of 100 actions each")
    args = parser.parse_args()
    if not (1 <= args.users <= 100 and 10 <= args.seconds <= 300 and 0 <= args.down <= MAX_DOWN_SECONDS):
        parser.error(f"bounded: 1 to 100 users, 10 to 300 seconds, at most {MAX_DOWN_SECONDS} s down")
    if not 0 < args.restart_at < args.seconds - args.down - 10:
        parser.error("--restart-at must leave at least 10 s of load after PostgreSQL is back")
    postgres = Postgres(args.server)
    # Ctrl-C raises KeyboardInterrupt; SIGTERM does the same, so the finally blocks run either way.
    signal.signal(signal.SIGTERM, interrupted)
    folder, world = tempfile.mkdtemp(prefix="lscb-fault-"), None
    try:
        world = create_world(args.server, "lscb_fault", args.users, args.reviews, evidence=20)
        world.server = Server(world, folder)
        world.server.start()
        passed = run(world, postgres, args)
    finally:
        if postgres.stopped:
            print("starting PostgreSQL again", flush=True)
            postgres.start()
        if world:
            world.close()
        shutil.rmtree(folder, ignore_errors=True)
    print("\nfault test: " + ("PASSED" if passed else "FAILED"))
    sys.exit(0 if passed else 1)


def run(world: World, postgres: Postgres, args) -> bool:
    from django.db import connections

    vus = virtual_users(world, Recorder(), world.server.port)
    signed_in = sign_in_everyone(vus)
    if signed_in != len(vus):
        raise SystemExit(f"only {signed_in} of {len(vus)} users signed in:\n{world.server.log_tail()}")
    everything = world.all_actions
    steps = []
    for index, vu in enumerate(vus):
        # Each user writes to its own actions only, so no status change is refused as a stale edit.
        scope = set(vu.actions)
        own = [pk for pk in everything[index :: len(vus)] if pk in scope] or vu.actions
        steps.append(step_for(vu, own))
    before, pids = table_counts(), world.server.worker_pids()
    others = other_connections(world)
    connections.close_all()
    recorder = Recorder()
    for vu in vus:
        vu.browser.recorder = recorder
    load = threading.Thread(target=run_users, args=(len(vus), args.seconds, (0.5, 1.5), lambda i, rng: steps[i](rng)))
    print(f"\nrunning {len(vus)} users for {args.seconds:.0f} s; PostgreSQL restarts at {args.restart_at:.0f} s "
          f"for about {args.down:.0f} s (other databases' connections it will interrupt: {others})",
          flush=True)  # fmt: skip
    with MachineWatch(world.server.cpu_groups()) as machine:
        load.start()
        time.sleep(max(0.0, recorder.origin + args.restart_at - time.monotonic()))
        events = restart(postgres, recorder.origin, args.down)
        load.join()
    print()
    report(recorder.samples, args.seconds)
    print(machine.summary())
    recovered = print_timeline(recorder, events)
    print(worker_figures(world.server, pids))
    complete = check_writes(before)
    connections.close_all()
    return recovered and complete


if __name__ == "__main__":
    main()

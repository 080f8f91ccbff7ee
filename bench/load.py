"""Load test (issue 7, "Measure"): gunicorn with 4 workers on PostgreSQL, driven on loopback.

Creates a throwaway database (`lscb_load`) on the PostgreSQL server, migrates it and seeds a
fictional board of 20,000 actions with history, progress updates and evidence files (in a
temporary MEDIA_ROOT), and one user per virtual user with a verified authenticator. Starts
gunicorn (deploy/gunicorn.conf.py, 4 workers) and the task worker in production settings: DEBUG off, a random secret
key, two-factor sign-in required. Each virtual user signs in through the sign-in page and its
two-factor step, then for the run's length repeats: a page picked from the mix below, then a
think time. Prints requests per second and p50/p95/p99 per page, and removes the database, the
files and the server afterwards, whatever happens.

    python bench/load.py                       # 50 users for 2 minutes (about 4 minutes in all)
    python bench/load.py --users 20 --seconds 30 --think 0.5,1.5

Goal: no errors, p95 under 500 ms on every page but the printed plan (PDF). A print answers its
ready file (200) or "being prepared" (202); both are answers, counted apart.
"""

import argparse
import datetime
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from board import PASSWORD  # noqa: E402
from load_world import LoadUser, Server, World, create_world, minimal_pdf  # noqa: E402
from loadgen import Browser, MachineWatch, Recorder, percentile, report, run_users, sign_in  # noqa: E402

GOAL_P95_MS = 500
PDF_PAGE = "plan PDF"
PAGES = [
    "dashboard", "action list", "action list, filtered", "action page", "action history",
    "evidence form", "evidence upload (POST)", PDF_PAGE, "healthz",
]  # fmt: skip
STATUSES = ["in_progress", "completed", "not_started", "evidenced"]


@dataclass
class VirtualUser:
    browser: Browser
    user: LoadUser
    actions: list[int]
    agencies: list[int]
    slugs: list[str]
    slugs_by_agency: dict


def pick_action(vu: VirtualUser, rng) -> int:
    return rng.choice(vu.actions)


def dashboard(vu: VirtualUser, rng) -> None:
    vu.browser.request("dashboard", "GET", "/dashboard/")


def action_list(vu: VirtualUser, rng) -> None:
    vu.browser.request("action list", "GET", f"/actions/?page={rng.randint(1, 10)}")


def action_list_filtered(vu: VirtualUser, rng) -> None:
    agency = rng.choice(vu.agencies)
    query = rng.choice(
        [
            f"status={rng.choice(STATUSES)}&agency={agency}",
            f"agency={agency}&overdue=1&sort=due",
            f"rag=red&agency={agency}&page=2",
            f"review={rng.choice(vu.slugs)}",
            f"q=Action+{rng.randint(0, 3)}+on+{rng.randint(1, 5)}.{rng.randint(1, 5)}",
        ]
    )
    vu.browser.request("action list, filtered", "GET", f"/actions/?{query}")


def action_page(vu: VirtualUser, rng) -> None:
    vu.browser.request("action page", "GET", f"/actions/{pick_action(vu, rng)}/")


def action_history(vu: VirtualUser, rng) -> None:
    vu.browser.request("action history", "GET", f"/actions/{pick_action(vu, rng)}/history/")


def evidence_upload(vu: VirtualUser, rng) -> None:
    """The form (for its CSRF token), then the upload of a small PDF; success is a redirect (302)."""
    path = f"/actions/{pick_action(vu, rng)}/evidence/new/"
    status, _ = vu.browser.request("evidence form", "GET", path)
    if status != 200:
        return
    fields = {
        "title": "Audit of supervision records",
        "narrative": "Twenty case files were audited.",
        "produced_on": datetime.date.today().isoformat(),
    }
    pdf = minimal_pdf("Audit of supervision records")
    vu.browser.post("evidence upload (POST)", path, fields, files=[("files", "audit.pdf", pdf)])


# A print answers the ready file (200) or "being prepared" (202) while the worker renders it (DESIGN.md §13).
PDF_ANSWERS = (200, 202)


def plan_pdf(vu: VirtualUser, rng) -> None:
    """The whole plan; an agency lead prints their own agency's extract (DESIGN.md §4)."""
    if vu.user.agency_ids:
        agency = rng.choice(vu.user.agency_ids)
        slug = rng.choice(vu.slugs_by_agency[agency])
        vu.browser.request(PDF_PAGE, "GET", f"/reviews/{slug}/plan.pdf?agency={agency}", expect=PDF_ANSWERS)
    else:
        vu.browser.request(PDF_PAGE, "GET", f"/reviews/{rng.choice(vu.slugs)}/plan.pdf", expect=PDF_ANSWERS)


def healthz(vu: VirtualUser, rng) -> None:
    vu.browser.request("healthz", "GET", "/healthz")


# What one step of a virtual user does, with its weight: reading dominates, as on a real board.
MIX = [
    (dashboard, 10), (action_list, 10), (action_list_filtered, 10), (action_page, 25),
    (action_history, 10), (evidence_upload, 4), (plan_pdf, 1), (healthz, 5),
]  # fmt: skip


def virtual_users(world: World, recorder: Recorder, port: int) -> list[VirtualUser]:
    everything, all_agencies = world.all_actions, list(world.actions_by_agency)
    result = []
    for user in world.users:
        scoped = [pk for agency in user.agency_ids for pk in world.actions_by_agency.get(agency, [])]
        agencies = user.agency_ids or all_agencies
        browser = Browser(port, recorder)
        slugs = world.review_slugs
        result.append(VirtualUser(browser, user, scoped or everything, agencies, slugs, world.slugs_by_agency))
    return result


def sign_in_everyone(users: list[VirtualUser]) -> int:
    """Sign everyone in before the measured run, four at a time: each sign-in costs a PBKDF2 hash."""

    def one(vu: VirtualUser) -> bool:
        return sign_in(vu.browser, vu.user.username, PASSWORD, vu.user.totp_key)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return sum(pool.map(one, users))


def mix_for(vu: VirtualUser, pdf_available: bool, pdf_weight: float) -> list:
    """A subgroup chair changes nothing, so never uploads; the PDF only where the page exists."""
    return [
        (task, pdf_weight if task is plan_pdf else weight)
        for task, weight in MIX
        if not (task is evidence_upload and vu.user.role == "Subgroup chair")
        and not (task is plan_pdf and not pdf_available)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432/postgres", help="PostgreSQL server")
    parser.add_argument("--users", type=int, default=50, help="concurrent virtual users (at most 200)")
    parser.add_argument("--seconds", type=float, default=120, help="length of the measured run (at most 600)")
    parser.add_argument("--think", default="1,3", help="think time after each step, min,max seconds")
    parser.add_argument("--reviews", type=int, default=200, help="reviews of 100 actions each")
    parser.add_argument("--pdf-weight", type=float, default=1, help="the printed plan's weight in the mix")
    parser.add_argument("--evidence", type=int, default=300, help="actions seeded with an evidence file")
    args = parser.parse_args()
    think = tuple(float(x) for x in args.think.split(","))
    if not (1 <= args.users <= 200 and 1 <= args.seconds <= 600 and len(think) == 2):
        parser.error("bounded: 1 to 200 users, 1 to 600 seconds, --think MIN,MAX")
    folder, world = tempfile.mkdtemp(prefix="lscb-load-"), None
    try:
        world = create_world(args.server, "lscb_load", args.users, args.reviews, args.evidence)
        world.server = Server(world, folder)
        world.server.start()
        run(world, args.users, args.seconds, think, args.pdf_weight)
    finally:
        if world:
            world.close()
        shutil.rmtree(folder, ignore_errors=True)


def run(world: World, users: int, seconds: float, think: tuple[float, float], pdf_weight: float) -> None:
    from django.db import connections

    connections.close_all()
    setup = Recorder()
    vus = virtual_users(world, setup, world.server.port)
    started = time.monotonic()
    signed_in = sign_in_everyone(vus)
    print(f"\n{signed_in} of {len(vus)} users signed in (password and authenticator code) "
          f"in {time.monotonic() - started:.1f} s, four at a time:")  # fmt: skip
    report(setup.samples, time.monotonic() - started)
    if signed_in != len(vus):
        raise SystemExit("sign-in failed; see the server log above")
    manager = next(vu for vu in vus if vu.user.role == "Business manager")
    probe_status, _ = manager.browser.request("probe", "GET", f"/reviews/{world.review_slugs[0]}/plan.pdf")
    pdf_available = probe_status in PDF_ANSWERS
    recorder = Recorder()
    for vu in vus:
        vu.browser.recorder = recorder

    def step(index: int, rng) -> None:
        tasks, weights = zip(*mixes[index], strict=True)
        rng.choices(tasks, weights)[0](vus[index], rng)

    mixes = [mix_for(vu, pdf_available, pdf_weight) for vu in vus]
    print(f"\nrunning {users} users for {seconds:.0f} s, think time {think[0]:g} to {think[1]:g} s ...", flush=True)
    with MachineWatch(world.server.cpu_groups()) as machine:
        run_users(users, seconds, think, step)
    print(f"\n{world.counts['actions']} actions; gunicorn 4 workers; {users} users; {seconds:.0f} s")
    rows = report(recorder.samples, seconds, PAGES)
    print(machine.summary())
    print(print_answers(recorder.samples))
    if not pdf_available:
        print(f"{PDF_PAGE}: not measured (/reviews/<slug>/plan.pdf answered {probe_status}: not built yet)")
    verdict(rows)


def print_answers(samples: list) -> str:
    """How often a print found its file ready (200) and how often it was being prepared (202)."""
    prints = [sample for sample in samples if sample.page == PDF_PAGE]
    ready = [sample.ms for sample in prints if sample.status == 200]
    preparing = [sample.ms for sample in prints if sample.status == 202]

    def p95(values: list[float]) -> str:
        return f"p95 {percentile(values, 0.95):.0f} ms" if values else "none"

    other = len(prints) - len(ready) - len(preparing)
    return (f"{PDF_PAGE}: {len(ready)} ready (200, {p95(ready)}), {len(preparing)} being prepared "
            f"(202, {p95(preparing)}), {other} other")  # fmt: skip


def verdict(rows: dict) -> None:
    missed = [
        f"{page}: {row['errors']} errors, p95 {row['p95']:.0f} ms"
        for page, row in rows.items()
        if row["errors"] or (page != PDF_PAGE and row["p95"] >= GOAL_P95_MS)
    ]
    print("goal (0 errors, p95 < 500 ms but the PDF): " + ("met" if not missed else "MISSED: " + "; ".join(missed)))


if __name__ == "__main__":
    main()

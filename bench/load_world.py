"""The world the load and fault tests run in: a throwaway PostgreSQL database with a seeded board,
a temporary MEDIA_ROOT, one user per virtual user (with a verified authenticator), and gunicorn.

Everything here is removed afterwards by `World.close()`; bench/load.py and bench/fault.py call it
in a `finally`.
"""

import base64
import datetime
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from board import PASSWORD, build_board, postgres_database

ROOT = Path(__file__).resolve().parents[1]
# Who the virtual users are, in turn: most people using the tracker are agency leads.
ROLE_CYCLE = ["Agency lead", "Business manager", "Agency lead", "Subgroup chair", "Agency lead"]


@dataclass
class LoadUser:
    """One virtual user's account: how it signs in, and what it may see and change."""

    username: str
    role: str
    totp_key: bytes
    agency_ids: list[int] = field(default_factory=list)


@dataclass
class World:
    database_url: str
    media_root: str
    users: list[LoadUser]
    actions_by_agency: dict[int, list[int]]
    review_slugs: list[str]
    counts: dict
    drop_database: object = None
    server: "Server | None" = None
    slugs_by_agency: dict | None = None  # agency id → the reviews with actions for it

    @property
    def all_actions(self) -> list[int]:
        return [pk for pks in self.actions_by_agency.values() for pk in pks]

    def close(self) -> None:
        if self.server:
            self.server.stop()
        if self.drop_database:
            self.drop_database()
        shutil.rmtree(self.media_root, ignore_errors=True)


def create_world(server_url: str, name: str, users: int, reviews: int, evidence: int) -> World:
    """Create and migrate the database, then seed the board, the users and their authenticators."""
    media_root = tempfile.mkdtemp(prefix="lscb-load-media-")
    url, drop = postgres_database(server_url, name)
    try:
        os.environ.update(
            DATABASE_URL=url, MEDIA_ROOT=media_root, DJANGO_SETTINGS_MODULE="lscb.settings", DJANGO_DEBUG="0"
        )
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        assert settings.DATABASES["default"]["NAME"] == name, "refusing to seed outside the throwaway database"
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        board = build_board(reviews)
        load_users = seed_users(users, board["agencies"])
        counts = seed_activity(board["manager"], evidence)
        counts["seeding's prints dropped"] = drop_seeding_prints()
        print(f"seeded the board in {time.perf_counter() - started:.0f} s: {counts}", flush=True)
        slugs = [r.slug for r in board["reviews"]]
        return World(
            url, media_root, load_users, actions_by_agency(), slugs, counts, drop, slugs_by_agency=reviews_by_agency()
        )
    except BaseException:
        drop()
        shutil.rmtree(media_root, ignore_errors=True)
        raise


def seed_users(count: int, agencies: list) -> list[LoadUser]:
    """`count` users, roles in ROLE_CYCLE order; each lead leads one agency; all have a verified TOTP device.

    One password hash is computed and shared: hashing 50 passwords (PBKDF2) would take a minute.
    """
    from common import give_role
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django_otp.plugins.otp_totp.models import TOTPDevice

    password = make_password(PASSWORD)
    load_users, leads = [], 0
    for n in range(count):
        role = ROLE_CYCLE[n % len(ROLE_CYCLE)]
        user = User.objects.create(username=f"load-{n:03d}", email=f"load-{n:03d}@example.org", password=password)
        key = secrets.token_bytes(20)
        TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True, key=key.hex())
        agency_ids = []
        if role == "Agency lead":
            agency = agencies[leads % len(agencies)]
            give_role(user, role, [agency])
            agency_ids, leads = [agency.pk], leads + 1
        else:
            give_role(user, role)
        load_users.append(LoadUser(user.username, role, key, agency_ids))
    return load_users


def seed_activity(manager, evidence: int) -> dict:
    """History beyond creation: progress updates, status changes, and evidence with a small file."""
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    from actions.choices import ActionStatus
    from actions.models import Action, ProgressUpdate

    rng = random.Random(7)
    actions = list(Action.objects.order_by("pk"))
    updates = [
        ProgressUpdate(action=action, text=f"Progress note {n} on action {action.pk}.", author=manager)
        for action in actions[::5]
        for n in range(rng.randint(1, 3))
    ]
    bulk_create_with_history(updates, ProgressUpdate, batch_size=2000, default_user=manager)
    changed = actions[1::4]
    for round_number in range(2):
        for action in changed:
            action.status = rng.choice([ActionStatus.IN_PROGRESS, ActionStatus.COMPLETED, ActionStatus.NOT_STARTED])
            action.progress = f"Narrative after change {round_number}."
        bulk_update_with_history(changed, Action, ["status", "progress"], batch_size=2000, default_user=manager)
    files = seed_evidence(manager, actions[2 :: max(1, len(actions) // max(1, evidence))][:evidence])
    return {"actions": len(actions), "progress updates": len(updates), "changed twice": len(changed), "files": files}


def seed_evidence(manager, actions: list) -> int:
    """Evidence through the same service as the upload page, so each file is checked, stored and checksummed."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from assurance import services, uploads

    for action in actions:
        upload = SimpleUploadedFile("audit.pdf", minimal_pdf(f"Audit for action {action.pk}"), "application/pdf")
        services.submit_evidence(
            action,
            manager,
            title=f"Audit of case files for action {action.pk}",
            narrative="A sample of 20 case files was audited.",
            produced_on=datetime.date.today(),
            files=[uploads.inspect_upload(upload)],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return len(actions)


def drop_seeding_prints() -> int:
    """Seeding changes every review, so it queues a print of each (200 reviews: about 12 minutes of the one
    task worker). A real board's plans are printed as its changes come; the run starts as after a quiet
    night, with no backlog ahead of the exports (a print that finds no ready file queues its own)."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="READY").delete()[0]


def actions_by_agency() -> dict[int, list[int]]:
    from actions.models import Action

    result: dict[int, list[int]] = {}
    for pk, agency_id in Action.objects.order_by("pk").values_list("pk", "agency_id"):
        result.setdefault(agency_id, []).append(pk)
    return result


def reviews_by_agency() -> dict[int, list[str]]:
    from actions.models import Action

    result: dict[int, set[str]] = {}
    for agency_id, slug in Action.objects.values_list("agency_id", "recommendation__review__slug").distinct():
        result.setdefault(agency_id, set()).add(slug)
    return {agency_id: sorted(slugs) for agency_id, slugs in result.items()}


def minimal_pdf(text: str) -> bytes:
    """A small, valid one-page PDF (header, objects, cross-reference table, trailer)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with deploy/gunicorn.conf.py, 4 workers, on a free loopback port, in production settings,
    and the task worker (`manage.py db_worker`) beside it in the same environment.

    DEBUG off, a random secret key, two-factor sign-in required (the production default), and the
    workers sharing one file cache (deploy/tracker.env.example). HTTPS is off only because TLS ends
    at nginx in production and there is none here.
    """

    def __init__(self, world: World, folder: str, workers: int = 4):
        self.port = free_port()
        self.access_log = os.path.join(folder, "access.log")
        self.server_log = os.path.join(folder, "server.log")
        self.env = {
            **os.environ,
            "DATABASE_URL": world.database_url,
            "MEDIA_ROOT": world.media_root,
            "DJANGO_SECRET_KEY": base64.b64encode(secrets.token_bytes(48)).decode(),
            "DJANGO_DEBUG": "0",
            "LSCB_REQUIRE_2FA": "1",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "LSCB_CACHE_URL": f"file://{os.path.join(folder, 'cache')}",
        }
        self.command = [
            sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "lscb.wsgi",
            "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
            # The worker's pid on every line shows which workers answered after a database restart.
            "--access-logfile", self.access_log, "--access-logformat", "%(p)s %(m)s %(U)s %(s)s %(M)s",
        ]  # fmt: skip
        self.process: subprocess.Popen | None = None
        # The task worker (prints, exports, mail: README "Background work"), as `make run` starts it.
        self.worker_command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--queue-name", "*"]
        self.worker_log = os.path.join(folder, "worker.log")
        self.worker: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        with open(self.server_log, "ab") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        with open(self.worker_log, "ab") as log:
            self.worker = subprocess.Popen(
                self.worker_command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start-up:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s:\n{self.log_tail()}")

    def worker_pids(self) -> list[int]:
        if not self.process:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return sorted(int(pid) for pid in children.read_text().split()) if children.exists() else []

    def postgres_backends(self) -> list[int]:
        """The PostgreSQL server processes serving this world's database (their title names it)."""
        name = self.env["DATABASE_URL"].rsplit("/", 1)[1]
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    title = (entry / "cmdline").read_bytes()
                except OSError:
                    continue
                if title.startswith(b"postgres: ") and f" {name} ".encode() in title:
                    pids.append(int(entry.name))
        return pids

    def cpu_groups(self) -> dict:
        """For MachineWatch: the CPU of gunicorn's workers and of PostgreSQL's backends for this database."""
        return {
            "gunicorn workers": self.worker_pids,
            "task worker": lambda: [self.worker.pid] if self.worker and self.worker.poll() is None else [],
            "PostgreSQL backends": self.postgres_backends,
        }

    def log_tail(self, lines: int = 30) -> str:
        text = Path(self.server_log).read_text(errors="replace") if os.path.exists(self.server_log) else ""
        return "\n".join(text.splitlines()[-lines:])

    def worker_log_tail(self, lines: int = 30) -> str:
        text = Path(self.worker_log).read_text(errors="replace") if os.path.exists(self.worker_log) else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """The task worker, then gunicorn: SIGTERM to each (gunicorn's master stops its own workers); SIGKILL
        only to a process that hangs."""
        for process in (self.worker, self.process):
            if not process or process.poll() is not None:
                continue
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

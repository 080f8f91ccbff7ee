"""A small, bounded load generator: virtual users in threads, each with its own cookies, speaking
HTTP/1.1 to 127.0.0.1 only (http.client, one connection a request, as gunicorn's sync workers close
each one anyway).

Every request is recorded (page, start, end, status, whether it was the expected answer), and
`report()` prints requests per second and p50/p95/p99 per page. Used by bench/load.py and
bench/fault.py.
"""

import http.client
import itertools
import math
import os
import random
import re
import resource
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

HOST = "127.0.0.1"  # loopback only, by construction: there is no way to aim this elsewhere
TIMEOUT = 30.0
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
SEEN = re.compile(rb'name="seen" value="(\d+)"')


@dataclass
class Sample:
    page: str
    started: float
    ended: float
    status: int  # 0: no HTTP answer (connection refused, reset, timeout)
    ok: bool

    @property
    def ms(self) -> float:
        return (self.ended - self.started) * 1000


@dataclass
class Recorder:
    """Every request of the run. list.append is atomic in CPython, so threads share it without a lock."""

    samples: list[Sample] = field(default_factory=list)
    origin: float = field(default_factory=time.monotonic)

    def add(self, sample: Sample) -> None:
        self.samples.append(sample)


class Browser:
    """One person's browser: a cookie jar, and the CSRF token of the last form it read."""

    def __init__(self, port: int, recorder: Recorder):
        self.port, self.recorder = port, recorder
        self.cookies: dict[str, str] = {}
        self.token = ""
        self.location = ""  # the Location of the last answer that had one (a redirect)

    def request(self, page: str, method: str, path: str, *, fields=None, files=None, expect=200):
        """One request; returns (status, body). Records it as `page`, ok when the status is `expect` (or one of
        them, a tuple)."""
        body, headers = b"", {"Host": f"{HOST}:{self.port}", "Connection": "close"}
        if fields is not None or files:
            body, content_type = encode_form(fields or {}, files)
            headers["Content-Type"] = content_type
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        started, status, data = time.monotonic(), 0, b""
        connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            status = response.status
            self.location = response.headers.get("Location") or self.location
            self.keep_cookies(response.headers.get_all("Set-Cookie") or [])
        except (OSError, http.client.HTTPException):
            pass
        finally:
            connection.close()
        self.recorder.add(Sample(page, started, time.monotonic(), status, status in expected(expect)))
        found = TOKEN.search(data)
        if found:
            self.token = found.group(1).decode()
        return status, data

    def keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in header.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)

    def post(self, page: str, path: str, fields: dict, files=None, expect=302):
        return self.request(page, "POST", path, fields={**fields, "csrfmiddlewaretoken": self.token}, files=files,
                            expect=expect)  # fmt: skip


def expected(expect) -> tuple:
    return expect if isinstance(expect, tuple) else (expect,)


def encode_form(fields: dict, files: list | None) -> tuple[bytes, str]:
    """application/x-www-form-urlencoded, or multipart/form-data when there are files ([(field, name, bytes)])."""
    if not files:
        return urlencode(fields).encode(), "application/x-www-form-urlencoded"
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for field_name, file_name, content in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field_name}"; filename="{file_name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def sign_in(browser: Browser, username: str, password: str, totp_key: bytes) -> bool:
    """The real sign-in: the password form, then a code from the authenticator (TOTP, RFC 6238)."""
    from django_otp.oath import totp

    browser.request("sign-in: form", "GET", "/accounts/login/")
    status, _ = browser.post("sign-in: password", "/accounts/login/", {"username": username, "password": password})
    if status != 302:
        return False
    browser.request("sign-in: code form", "GET", "/accounts/two-factor/")
    code = f"{totp(totp_key):06d}"
    status, _ = browser.post("sign-in: code", "/accounts/two-factor/", {"code": code})
    return status == 302


def run_users(
    count: int, seconds: float, think: tuple[float, float], step: Callable[[int, random.Random], None]
) -> None:
    """Run `step(user_index, rng)` over and over in `count` threads for `seconds`, with a think time
    drawn from `think` after each step. Returns when every thread has finished (bounded: a request
    started before the end has at most TIMEOUT seconds to answer)."""
    deadline = time.monotonic() + seconds
    stop = threading.Event()

    def loop(index: int) -> None:
        rng = random.Random(index)
        # Stagger the first steps over one think time, as people do not all click at once.
        stop.wait(rng.uniform(0, think[1]))
        while not stop.is_set() and time.monotonic() < deadline:
            step(index, rng)
            stop.wait(min(rng.uniform(*think), max(0.0, deadline - time.monotonic())))

    threads = [threading.Thread(target=loop, args=(n,), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()) + TIMEOUT + 5)
    finally:
        stop.set()


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (no interpolation): the value below which `share` of the values lie."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def report(samples: list[Sample], seconds: float, pages: list[str] | None = None) -> dict:
    """Print one row per page: requests, per second, errors, p50/p95/p99/max in ms. Returns the rows."""
    by_page: dict[str, list[Sample]] = {}
    for sample in samples:
        by_page.setdefault(sample.page, []).append(sample)
    rows = {}
    print(f"{'page':34} {'requests':>8} {'per s':>6} {'errors':>6} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}")
    for page in pages or sorted(by_page):
        group = by_page.get(page, [])
        if not group:
            continue
        ms = [sample.ms for sample in group]
        row = {
            "requests": len(group),
            "errors": sum(not sample.ok for sample in group),
            "p50": percentile(ms, 0.50),
            "p95": percentile(ms, 0.95),
            "p99": percentile(ms, 0.99),
            "max": max(ms),
        }
        rows[page] = row
        print(f"{page:34} {row['requests']:8d} {len(group) / seconds:6.1f} {row['errors']:6d} "
              f"{row['p50']:7.0f} {row['p95']:7.0f} {row['p99']:7.0f} {row['max']:7.0f}")  # fmt: skip
    total = len(samples)
    print(f"{'all':34} {total:8d} {total / seconds:6.1f} {sum(not s.ok for s in samples):6d}")
    return rows


class MachineWatch:
    """The machine while the run lasts: load average every 5 s, CPU use, and the CPU seconds of each
    group of processes `groups` names (name -> function listing its pids), this process included."""

    def __init__(self, groups: dict[str, Callable[[], list[int]]] | None = None):
        self.loads: list[float] = []
        self.groups = groups or {}
        self.process_cpu: dict[str, dict[int, float]] = {name: {} for name in self.groups}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self):
        self.cpu_before, self.self_before = cpu_times(), own_cpu()
        self.started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        busy_before, total_before = self.cpu_before
        busy_after, total_after = cpu_times()
        self.cpu_busy = (busy_after - busy_before) / max(1, total_after - total_before)
        self.own_cpu = own_cpu() - self.self_before
        self.wall = time.monotonic() - self.started

    def _sample(self) -> None:
        # Cumulative CPU per pid, sampled every second: a process that ends keeps its last sample.
        first: dict[int, float] = {}
        for tick in itertools.count():
            if tick % 5 == 0:
                self.loads.append(os.getloadavg()[0])
            for name, pids in self.groups.items():
                for pid in pids():
                    used = process_cpu(pid)
                    if used is not None:
                        first.setdefault(pid, used)
                        self.process_cpu[name][pid] = used - first[pid]
            if self._stop.wait(1):
                return

    def summary(self) -> str:
        cores = os.cpu_count() or 1
        available = self.wall * cores
        busy = self.cpu_busy * available
        ours = {name: sum(used.values()) for name, used in self.process_cpu.items()}
        ours["load generator"] = self.own_cpu
        shares = ", ".join(f"{name} {used:.0f}" for name, used in ours.items())
        return (
            f"machine: {cores} cores; 1-minute load average {min(self.loads):.1f} to {max(self.loads):.1f} "
            f"(mean {sum(self.loads) / len(self.loads):.1f}); CPU {self.cpu_busy:.0%} busy\n"
            f"CPU-seconds used of {available:.0f} available: {shares}; "
            f"everything else on the machine {max(0.0, busy - sum(ours.values())):.0f}"
        )


def process_cpu(pid: int) -> float | None:
    """User + system CPU seconds of one process, from /proc/<pid>/stat; None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime

"""Evidence upload benchmark: throughput and memory through Django's full request handling.

    python bench/upload.py [--mb 20] [--runs 3]

Builds a multipart request body on disk and feeds it to Django's WSGI
handler as a stream (as gunicorn would), so the body is never in this
script's memory. Reports:
- upload throughput for a 20 MB PDF (sign-in, CSRF, size-limit handler,
  content checks, SHA-256, storage) against a plain copy of the same file;
- the peak Python memory (tracemalloc) during a 25 MB upload, to compare
  with Django's 64 KB upload chunk and the 2.5 MB in-memory threshold.
Uses a throwaway SQLite database and MEDIA_ROOT under a temporary folder.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="lscb-bench-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(WORK / "media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lscb.settings")
warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from assurance.models import Evidence  # noqa: E402
from reviews import roles  # noqa: E402
from tests.factories import ActionFactory, UserFactory  # noqa: E402

MB = 1024 * 1024
CSRF = "b" * 32
BOUNDARY = "lscb-bench-boundary"


def make_pdf(path: Path, size: int) -> None:
    with path.open("wb") as out:
        out.write(b"%PDF-1.7\n")
        remaining = size - 9
        while remaining > 0:
            block = os.urandom(min(MB, remaining))
            out.write(block)
            remaining -= len(block)


def make_body(pdf: Path, body: Path) -> int:
    fields = {"csrfmiddlewaretoken": CSRF, "title": "Bench", "narrative": "", "produced_on": "2026-01-15"}
    with body.open("wb") as out:
        for name, value in fields.items():
            out.write(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        out.write(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="{pdf.name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
        )
        with pdf.open("rb") as source:
            shutil.copyfileobj(source, out, 1024 * 1024)
        out.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return body.stat().st_size


def post(handler: WSGIHandler, path: str, body: Path, length: int, session: str) -> str:
    status = []
    with body.open("rb") as stream:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
            "CONTENT_LENGTH": str(length),
            "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={CSRF}",
            "wsgi.input": stream,
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        response = handler(environ, lambda s, h, *a: status.append(s))
        for _ in response:
            pass
        response.close()
    return status[0]


def setup() -> tuple[str, str]:
    call_command("migrate", verbosity=0)
    manager = UserFactory(username="bench-manager", role=roles.BUSINESS_MANAGER)
    action = ActionFactory()
    client = Client()
    client.force_login(manager)
    return f"/actions/{action.pk}/evidence/new/", client.cookies[settings.SESSION_COOKIE_NAME].value


def throughput(handler, path, session, size_mb: int, runs: int) -> None:
    pdf, body = WORK / "report.pdf", WORK / "body.bin"
    make_pdf(pdf, size_mb * MB)
    length = make_body(pdf, body)
    upload_times, copy_times = [], []
    for run in range(runs):
        started = time.perf_counter()
        status = post(handler, path, body, length, session)
        upload_times.append(time.perf_counter() - started)
        assert status.startswith("302"), status
        started = time.perf_counter()
        shutil.copyfile(pdf, WORK / f"copy-{run}.pdf")
        copy_times.append(time.perf_counter() - started)
    upload, copy = statistics.median(upload_times), statistics.median(copy_times)
    label = f"(median of {runs})"
    print(f"Upload of a {size_mb} MB PDF through Django {label}: {upload * 1000:.0f} ms, {size_mb / upload:.0f} MB/s")
    print(f"Plain copy of the same file on disk {label}:    {copy * 1000:.0f} ms, {size_mb / copy:.0f} MB/s")
    print(f"Upload / copy: {upload / copy:.1f}x")


def memory_peak(handler, path, session) -> None:
    size = settings.LSCB_UPLOADS["MAX_FILE_BYTES"] - 64 * 1024  # just under the 25 MB limit
    pdf, body = WORK / "big.pdf", WORK / "big-body.bin"
    make_pdf(pdf, size)
    length = make_body(pdf, body)
    tracemalloc.start()
    status = post(handler, path, body, length, session)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert status.startswith("302"), status
    print(
        f"Peak Python memory during a {size / MB:.1f} MB upload: {peak / 1024:.0f} KB "
        f"(upload chunk {65536 // 1024} KB; in-memory threshold {settings.FILE_UPLOAD_MAX_MEMORY_SIZE / MB:.1f} MB; "
        f"file {size / MB:.1f} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    try:
        path, session = setup()
        handler = WSGIHandler()
        throughput(handler, path, session, args.mb, args.runs)
        memory_peak(handler, path, session)
        print(f"Evidence records stored: {Evidence.objects.count()}")
    finally:
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()

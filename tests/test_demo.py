"""`make run`: the demo runs as production does, with DEBUG off, static files served and mail written to files."""

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHOW_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({"
    "'DEBUG': s.DEBUG, 'EMAIL_BACKEND': s.EMAIL_BACKEND, 'EMAIL_FILE_PATH': str(s.EMAIL_FILE_PATH),"
    "'WHITENOISE_USE_FINDERS': s.WHITENOISE_USE_FINDERS, 'LSCB_REQUIRE_2FA': s.LSCB_REQUIRE_2FA}))"
)


def demo_env() -> dict[str, str]:
    """The variables the Makefile's DEMO_ENV sets, as `make run` passes them to the server and the worker."""
    makefile = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    line = re.search(r"^DEMO_ENV := (.*)$", makefile, re.M).group(1)
    words = shlex.split(line.replace("$(CURDIR)", str(ROOT)))
    return dict(word.split("=", 1) for word in words)


def test_the_demo_runs_with_debug_off_and_mail_in_files_under_var_mail():
    env = demo_env()
    shown = subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "lscb.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    settings = json.loads(shown.stdout.strip().splitlines()[-1])
    assert settings == {
        "DEBUG": False,  # the product's own 404 and 403 pages, not Django's debug pages
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(ROOT / "var" / "mail"),
        "WHITENOISE_USE_FINDERS": True,  # static files served from their sources, never a stale collectstatic
        "LSCB_REQUIRE_2FA": False,  # said on every page
    }


def test_the_demo_server_starts_without_warning_of_a_static_folder_it_does_not_use(tmp_path):
    """The demo serves static files from their sources; whitenoise's "No directory at var/static/" is noise there."""
    started = subprocess.run(
        [sys.executable, "-W", "always", "-c", "from django.core.wsgi import get_wsgi_application as g; g()"],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "lscb.settings",
            **demo_env(),
            "STATIC_ROOT": str(tmp_path / "never-collected"),
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Warning" not in started.stderr, started.stderr


def test_make_run_serves_on_the_port_asked_for_and_reset_demo_starts_again():
    # Run as CI does, from inside `make test`: a nested make prints "Entering directory" lines unless told not to.
    def dry_run(*args):
        command = ["make", "--no-print-directory", "-n", *args]
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout.splitlines()

    run = dry_run("run", "PORT=8001")
    assert any("runserver 127.0.0.1:8001" in line for line in run) and not any("8000" in line for line in run)
    reset = dry_run("reset-demo")
    cleared = reset.index("rm -rf var/media var/mail")
    assert reset[cleared + 1].endswith("migrate --no-input") and reset[cleared + 2].endswith("seed_demo")


@pytest.mark.django_db
def test_browsers_find_a_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"

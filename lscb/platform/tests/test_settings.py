import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from lscb.env import email_settings, env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[3]

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x7Hq2-production-secret-that-is-long-and-random-9fK3mZpL0sQ8vT4wYbN6",
    "DJANGO_ALLOWED_HOSTS": "tracker.example.org",
    "LSCB_HTTPS": "1",
}


def run_manage(*args, env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LSCB_"))}
    env.update(env_extra)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


@pytest.mark.parametrize("raw, expected", [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG") is expected


@pytest.mark.parametrize("reader, raw", [(env_bool, "maybe"), (env_int, "ten"), (env_int, "-5")])
def test_malformed_values_raise_improperly_configured(monkeypatch, reader, raw):
    monkeypatch.setenv("X_VALUE", raw)
    with pytest.raises(ImproperlyConfigured, match="X_VALUE"):
        reader("X_VALUE", 1) if reader is env_int else reader("X_VALUE")


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("X_LIST", "a.example, b.example,,")
    assert env_list("X_LIST") == ["a.example", "b.example"]


def test_email_url_is_parsed():
    parsed = email_settings("smtp://user%40x:p%3Ass@mail.example.org:587?tls=1")
    assert parsed["EMAIL_HOST"] == "mail.example.org" and parsed["EMAIL_PORT"] == 587
    assert parsed["EMAIL_HOST_USER"] == "user@x" and parsed["EMAIL_HOST_PASSWORD"] == "p:ss"
    assert parsed["EMAIL_USE_TLS"] is True
    with pytest.raises(ImproperlyConfigured):
        email_settings("carrier-pigeon://loft")


def test_a_malformed_environment_value_stops_start_up():
    result = run_manage("check", env_extra={"DJANGO_DEBUG": "perhaps"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def test_malformed_database_url_stops_start_up():
    result = run_manage("check", env_extra={"DATABASE_URL": "nosuchdb://x"})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


@pytest.mark.parametrize("name", ["LSCB_PROTECTIVE_MARKING", "DEFAULT_FROM_EMAIL"])
def test_a_mail_header_setting_with_a_line_break_stops_start_up(name):
    result = run_manage("check", env_extra={name: "OFFICIAL\nBcc: someone@example.org"})
    assert result.returncode != 0
    assert f"{name} must be one line" in result.stderr


def test_deploy_check_passes_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_extra=PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_refuses_to_start_without_two_factor_sign_in():
    result = run_manage("check", "--deploy", env_extra={**PRODUCTION, "LSCB_REQUIRE_2FA": "0"})
    assert result.returncode != 0
    assert "LSCB_ALLOW_SIGN_IN_WITHOUT_SECOND_FACTOR" in result.stderr


def test_production_without_two_factor_sign_in_starts_only_with_the_loud_override():
    env = {**PRODUCTION, "LSCB_REQUIRE_2FA": "0", "LSCB_ALLOW_SIGN_IN_WITHOUT_SECOND_FACTOR": "1"}
    result = run_manage("check", env_extra=env)
    assert result.returncode == 0, result.stderr


def test_the_demo_runs_without_two_factor_sign_in():
    result = run_manage("check", env_extra={"DJANGO_DEBUG": "1", "LSCB_REQUIRE_2FA": "0"})
    assert result.returncode == 0, result.stderr


def test_deploy_check_fails_without_a_real_secret_key():
    env = dict(PRODUCTION)
    del env["DJANGO_SECRET_KEY"]
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_extra=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr + result.stdout


def test_postgres_url_turns_on_connection_health_checks():
    code = "from django.db import connection as c; d = c.settings_dict; print(d['ENGINE'], d['CONN_HEALTH_CHECKS'])"
    result = run_manage("shell", "-c", code, env_extra={"DATABASE_URL": "postgres://u@127.0.0.1:5432/lscb"})
    assert result.stdout.split()[-2:] == ["django.db.backends.postgresql", "True"]

"""Production settings: a secure deployment has secure cookies, HSTS and a content security policy,
passes Django's own deployment checklist, and refuses to start without a secret key of its own.
Each case starts a fresh Python process with the environment under test."""

import os
import subprocess
import sys

import pytest
from django.test import Client

from channels_app.settings import BASE_DIR

GOOD_KEY = "k" * 20 + "-a-long-and-secret-deployment-key-0123456789"
PUBLIC_KEY = "embedded-default-key-for-local-demo-only-set-SECRET_KEY"


def _start(extra_env: dict, code: str = "") -> subprocess.CompletedProcess:
    removed = ("SECRET_KEY", "DEBUG", "SECURE_DEPLOYMENT", "IDENTITY_KEYS", "IDENTITY_HASH_KEY")
    env = {key: value for key, value in os.environ.items() if key not in removed}
    env.update({"DJANGO_SETTINGS_MODULE": "channels_app.settings", **extra_env})
    program = "import django; django.setup()\n" + code
    return subprocess.run(
        [sys.executable, "-c", program], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "environment",
    [
        {"DEBUG": "0", "SECRET_KEY": PUBLIC_KEY},
        {"SECURE_DEPLOYMENT": "1"},
        {"SECURE_DEPLOYMENT": "1", "SECRET_KEY": "short"},
        {"SECURE_DEPLOYMENT": "1", "SECRET_KEY": PUBLIC_KEY},
        {"SECURE_DEPLOYMENT": "1", "SECRET_KEY": GOOD_KEY},
    ],
    ids=["public-key", "no-key", "short-key", "public-key-deployed", "no-identity-keys"],
)
def test_the_app_refuses_to_start_without_a_secret_key_of_its_own(environment):
    started = _start(environment)
    assert started.returncode != 0
    assert "SECRET_KEY" in started.stderr or "IDENTITY_KEYS" in started.stderr


def test_a_secure_deployment_passes_djangos_deployment_checklist():
    environment = {
        "SECURE_DEPLOYMENT": "1",
        "SECRET_KEY": GOOD_KEY,
        "IDENTITY_KEYS": "bm90LWEtcmVhbC1rZXktYnV0LTMyLWJ5dGVzLWxvbmc=",
        "IDENTITY_HASH_KEY": GOOD_KEY[::-1],
        "ALLOWED_HOSTS": "mediation.example.cn",
    }
    env = {key: value for key, value in os.environ.items() if key != "DEBUG"} | environment
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    shown = _start(
        environment,
        "from django.conf import settings as s\n"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS >= 31536000)",
    )
    assert shown.stdout.split() == ["True", "True", "True"], shown.stderr


def test_without_a_key_a_machine_of_its_own_makes_one_that_is_not_public(tmp_path):
    shown = _start({"VAR_DIR": str(tmp_path)}, "from django.conf import settings as s; print(s.SECRET_KEY)")
    key = shown.stdout.strip()
    assert len(key) >= 50 and key != PUBLIC_KEY
    assert (tmp_path / "secret-key").stat().st_mode & 0o077 == 0
    again = _start({"VAR_DIR": str(tmp_path)}, "from django.conf import settings as s; print(s.SECRET_KEY)")
    assert again.stdout.strip() == key  # sessions survive a restart


def test_pages_carry_a_content_security_policy_without_inline_code(db):
    response = Client().get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"

"""Issue 12, defect 7: under `make run` gunicorn runs as a daemon (stdout and stderr are /dev/null); its
access lines, its error log and Django's tracebacks must land in the log directory."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.paths import ROOT
from tests.portal.test_deployment import fetch, free_port


def wait_for_file(path: Path, text: str, seconds: float = 15) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        content = path.read_text(errors="replace") if path.exists() else ""
        if text in content:
            return content
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not in {path}:\n{content}")


@pytest.fixture
def make_web(tmp_path, transactional_db):
    """`make web`, the command `make run` starts the web server with, on a free port and a log directory
    of this test; the settings add one URL that raises."""
    db = connection.settings_dict
    port = free_port()
    log_dir, run_dir = tmp_path / "log", tmp_path / "run"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.portal.failing_settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "WEB_CONCURRENCY": "1",
    }
    env.pop("LOG_FILE", None)
    make = ["make", "-s", "web", "HOST=127.0.0.1", f"PORT={port}", f"LOG_DIR={log_dir}", f"RUN_DIR={run_dir}"]
    subprocess.run(make, cwd=ROOT, env=env, check=True, timeout=60)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            fetch(base + "/healthz")
            break
        except OSError:
            time.sleep(0.2)
    yield base, log_dir
    pid = int((run_dir / "web.pid").read_text())
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)


def test_make_run_logs_every_request_and_every_traceback_to_var_log(make_web):
    base, log_dir = make_web
    status, _headers, _body = fetch(base + "/accounts/login/")
    assert status == 200
    status, _headers, _body = fetch(base + "/test-only/fail/")
    assert status == 500
    # One access line per request, with its status and the time it took.
    access = wait_for_file(log_dir / "web-access.log", '"GET /test-only/fail/ HTTP/1.1" 500')
    [login] = [line for line in access.splitlines() if '"GET /accounts/login/ HTTP/1.1"' in line]
    assert " 200 " in login and login.endswith("ms")
    # Django's error log, with the traceback, in the web log.
    errors = wait_for_file(log_dir / "web.log", "a failure made on purpose")
    assert "ERROR django.request Internal Server Error: /test-only/fail/" in errors
    assert "Traceback (most recent call last)" in errors and "RuntimeError" in errors
    assert "Booting worker" in errors  # gunicorn's own error log is there too


def test_development_mail_goes_to_var_mail_not_the_log():
    # Tests use locmem; what `make run` gets is what the settings module says with no EMAIL_BACKEND given.
    env = {k: v for k, v in os.environ.items() if k not in {"EMAIL_BACKEND", "EMAIL_FILE_PATH"}}
    code = "from django.conf import settings; print(settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH)"
    out = subprocess.run(  # noqa: S603
        [os.path.join(os.path.dirname(os.sys.executable), "python"), "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings", "DEBUG": "1"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["django.core.mail.backends.filebased.EmailBackend", str(Path(settings.BASE_DIR) / "var" / "mail")]

"""Issue 7, deployment: the production settings run under gunicorn with whitenoise, answer the health
check over plain http (the load balancer's probe) and send everything else to https with HSTS; the
compose file runs web, worker and beat from the same settings."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import yaml
from django.db import connection

from tests.paths import ROOT

VENV_BIN = os.path.dirname(sys.executable)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, **headers):
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def production_server(tmp_path, transactional_db):
    db = connection.settings_dict
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": "k3y-" + "p9Lm2Qr7Vx" * 6,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "TRUST_X_FORWARDED_PROTO": "1",
    }
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    log = open(tmp_path / "gunicorn.log", "w+")  # noqa: SIM115 -- open for the server's life
    server = subprocess.Popen(  # noqa: S603
        [os.path.join(VENV_BIN, "gunicorn"), "-c", "python:portal.gunicorn_conf", "portal.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            fetch(base + "/healthz")
            break
        except OSError:
            time.sleep(0.2)
    yield base, log
    server.terminate()
    server.wait(timeout=10)
    log.close()


def test_gunicorn_serves_the_production_settings(production_server):
    base, log = production_server
    # The probe gets its answer over http (503 here: no worker runs in this test).
    status, _headers, body = fetch(base + "/healthz")
    assert status in (200, 503) and b'"database": {"ok": true}' in body
    # Anything else moves to https.
    status, headers, _body = fetch(base + "/")
    assert status == 301 and headers["Location"].startswith("https://")
    # Behind the TLS proxy: HSTS, secure cookies, the CSP, static files from whitenoise.
    status, headers, body = fetch(base + "/accounts/login/", **{"X-Forwarded-Proto": "https"})
    assert status == 200
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert "Secure" in headers["Set-Cookie"] and "HttpOnly" in headers["Set-Cookie"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    stylesheet = body.decode().split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    assert "/static/css/portal." in stylesheet  # hashed name of the manifest storage
    status, headers, _body = fetch(base + stylesheet, **{"X-Forwarded-Proto": "https"})
    assert status == 200 and "max-age" in headers["Cache-Control"]
    # Structured logs: one JSON object per line.
    log.seek(0)
    lines = [line for line in log.read().splitlines() if line.startswith("{")]
    assert lines and all('"level"' in line for line in lines)


def test_compose_runs_web_worker_and_beat_from_the_same_image_and_settings():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "web", "worker", "beat"} <= set(services)
    assert "portal.gunicorn_conf" in services["web"]["command"]
    assert "worker" in services["worker"]["command"] and "beat" in services["beat"]["command"]
    # Every variable the compose file sets is one the settings (or gunicorn's config) read.
    read = (ROOT / "portal" / "settings.py").read_text() + (ROOT / "portal" / "gunicorn_conf.py").read_text()
    for name in services["web"]["environment"]:
        assert f'"{name}"' in read, name

"""gunicorn settings (`gunicorn -c python:portal.gunicorn_conf portal.wsgi`), from the environment.

LOG_FILE and ACCESS_LOG_FILE send the error log (Django's too: settings.py reads LOG_FILE) and the access
lines to files, as `make run` does; unset, both go to stdout/stderr for a container's log driver."""

import os

from portal.logging_config import logging_dict

bind = os.environ.get("BIND", "0.0.0.0:8000")
# Scale a web host by WEB_CONCURRENCY (about 2 per core); scale out by running more hosts behind the
# load balancer: sessions, caches and lockouts live in PostgreSQL and Redis, not in a process.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
_log_file = os.environ.get("LOG_FILE") or None
_access_log_file = os.environ.get("ACCESS_LOG_FILE") or None
errorlog = _log_file or "-"
accesslog = _access_log_file or "-"
# A daemon's stdout and stderr are /dev/null: what is printed there (a traceback outside logging) goes
# to the error log instead.
capture_output = _log_file is not None
# One line per request: client, request line, status, bytes, time taken.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
logconfig_dict = logging_dict(
    fmt=os.environ.get("LOG_FORMAT", "plain" if os.environ.get("DEBUG", "1") not in {"0", "false"} else "json"),
    level=os.environ.get("LOG_LEVEL", "INFO"),
    log_file=_log_file,
    access_log_file=_access_log_file,
    gunicorn=True,
)

"""gunicorn settings (`gunicorn -c python:portal.gunicorn_conf portal.wsgi`), from the environment."""

import os

from portal.logging_config import logging_dict

bind = os.environ.get("BIND", "0.0.0.0:8000")
# Scale a web host by WEB_CONCURRENCY (about 2 per core); scale out by running more hosts behind the
# load balancer: sessions, caches and lockouts live in PostgreSQL and Redis, not in a process.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
logconfig_dict = logging_dict(
    fmt=os.environ.get("LOG_FORMAT", "plain" if os.environ.get("DEBUG", "1") not in {"0", "false"} else "json"),
    level=os.environ.get("LOG_LEVEL", "INFO"),
)

"""One logging set-up for Django, Celery and gunicorn: plain lines on a developer's terminal, one JSON
object per line in production (LOG_FORMAT=json), which log shippers read without parsing rules."""


def logging_dict(*, fmt: str, level: str) -> dict:
    formatters = {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": formatters,
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json" if fmt == "json" else "plain"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # WeasyPrint and fontTools are chatty at INFO.
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
            # django-axes logs every failed login at INFO; the lockouts themselves come at WARNING.
            "axes": {"level": "WARNING"},
            # gunicorn's own loggers, when gunicorn takes this dict (portal/gunicorn_conf.py).
            "gunicorn.error": {"handlers": ["console"], "level": level, "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }

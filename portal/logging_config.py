"""One logging set-up for Django, Celery and gunicorn: plain lines on a developer's terminal, one JSON
object per line in production (LOG_FORMAT=json), which log shippers read without parsing rules.

Lines go to stderr unless LOG_FILE (and, for gunicorn's access lines, ACCESS_LOG_FILE) names a file:
`make run` daemonises gunicorn, whose stderr is /dev/null. Files are WatchedFileHandlers, so logrotate may
move them; every gunicorn process appends whole lines to the same file."""


def _handler(formatter: str, path: str | None) -> dict:
    if path:
        return {"class": "logging.handlers.WatchedFileHandler", "filename": path, "formatter": formatter}
    return {"class": "logging.StreamHandler", "formatter": formatter}


def logging_dict(
    *, fmt: str, level: str, log_file: str | None = None, access_log_file: str | None = None, gunicorn: bool = False
) -> dict:
    formatters = {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    }
    formatter = "json" if fmt == "json" else "plain"
    config = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": formatters,
        "handlers": {"console": _handler(formatter, log_file)},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # WeasyPrint and fontTools are chatty at INFO.
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
            # django-axes logs every failed login at INFO; the lockouts themselves come at WARNING.
            "axes": {"level": "WARNING"},
        },
    }
    if gunicorn:
        # Only in gunicorn's own dict (portal/gunicorn_conf.py): when Django's LOGGING named these loggers,
        # loading the app in each gunicorn worker replaced the handlers gunicorn had set, and the access
        # log of `make run` stayed empty.
        config["handlers"]["access"] = _handler(formatter, access_log_file)
        config["loggers"]["gunicorn.error"] = {"handlers": ["console"], "level": level, "propagate": False}
        config["loggers"]["gunicorn.access"] = {"handlers": ["access"], "level": "INFO", "propagate": False}
    return config

"""The one way work is queued for Celery: `enqueue_on_commit`, once the transaction that asked for it commits
(a worker must not run ahead of the rows it reads; a step rolled back queues nothing), or `enqueue`, now.

Tasks are named by their registered name (`"awards.tasks.issue_letter"`): a service never imports its app's
`tasks` module, which imports the services. Each app imports its tasks module in `AppConfig.ready()`, so the
names are known in the web process too (where `task_always_eager` runs them inline in tests).
"""

import logging
from functools import partial

from django.db import transaction

from portal.celery import app

logger = logging.getLogger(__name__)


def _task(name: str):
    try:
        return app.tasks[name]
    except KeyError:
        raise LookupError(f"no Celery task is registered as {name!r}") from None


def enqueue(task: str, *args, robust: bool = False, **options) -> None:
    """Queue the task registered as `task` with the positional `args` now; `options` (countdown, queue, ...)
    go to `apply_async`. `robust`: a broker that refuses is logged, not raised — for work a sweep queues
    again (the outbox), so a committed request does not fail on it."""
    sender = _task(task)
    try:
        # delay() when there is nothing to add: the fault tests route a task by patching its delay().
        if options:
            sender.apply_async(args, **options)
        else:
            sender.delay(*args)
    except Exception:
        if not robust:
            raise
        logger.warning("%s%r not queued; the sweep will send it", task, args, exc_info=True)


def enqueue_on_commit(task: str, *args, robust: bool = False, using: str | None = None, **options) -> None:
    """`enqueue(task, *args, ...)` once the current transaction commits (at once outside one). An unknown
    name fails here, inside the transaction that asked, rather than in the callback after it."""
    _task(task)
    transaction.on_commit(partial(enqueue, task, *args, robust=robust, **options), using=using)

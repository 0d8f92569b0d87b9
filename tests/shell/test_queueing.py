"""One way to queue a task (portal/queueing.py): by its registered name, once the transaction commits."""

import ast
import logging

import pytest
from django.db import transaction

from portal.accounts.tasks import send_outbox_message
from portal.queueing import enqueue, enqueue_on_commit
from tests.shell.test_layers import ROOT, project_files

TASK = "portal.tasks.send_outbox_message"


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(send_outbox_message, "delay", lambda *args: calls.append(("delay", args)))
    monkeypatch.setattr(send_outbox_message, "apply_async", lambda args, **options: calls.append((args, options)))
    return calls


def test_a_task_is_queued_once_its_transaction_commits(db, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue_on_commit(TASK, 7)
        assert queued == []
    assert queued == [("delay", (7,))]


def test_a_rolled_back_transaction_queues_nothing(db, queued, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue_on_commit(TASK, 7)
        raise RuntimeError("the step fails after asking")
    assert callbacks == [] and queued == []


def test_options_go_to_apply_async(db, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(TASK, 7, countdown=30, queue="letters")
    assert queued == [((7,), {"countdown": 30, "queue": "letters"})]


def test_an_unknown_name_fails_in_the_transaction_that_asked(db):
    with pytest.raises(LookupError, match=r"awards\.tasks\.no_such_task"), transaction.atomic():
        enqueue_on_commit("awards.tasks.no_such_task", 1)


def test_a_broker_that_is_down_raises_unless_robust(monkeypatch, caplog):
    def down(*args):
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(send_outbox_message, "delay", down)
    with pytest.raises(ConnectionRefusedError):
        enqueue(TASK, 1)
    with caplog.at_level(logging.WARNING, logger="portal.queueing"):
        enqueue(TASK, 1, robust=True)
    assert "portal.tasks.send_outbox_message(1,) not queued" in caplog.text


# --- the code uses it, and nothing else -------------------------------------------------------------------

APP_CODE = ("portal", "applications", "reviews", "awards")
QUEUEING = {"on_commit", "delay", "apply_async", "send_task"}


def _calls(names: set[str]):
    """(path:line, the call, the module's string constants) for each call of one of `names` in app code."""
    for path in project_files():
        relative = path.relative_to(ROOT)
        if relative.parts[0] not in APP_CODE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in names:
                    yield f"{relative}:{node.lineno}", node, constants


def test_only_the_helper_queues_tasks_or_registers_on_commit_callbacks():
    elsewhere = [where for where, _node, _c in _calls(QUEUEING) if not where.startswith("portal/queueing.py:")]
    assert elsewhere == [], "queue through portal.queueing.enqueue_on_commit (or enqueue):\n" + "\n".join(elsewhere)


def test_every_task_queued_by_name_is_registered():
    from portal.celery import app

    names = {}
    for where, node, constants in _calls({"enqueue", "enqueue_on_commit"}):
        first = node.args[0] if node.args else None
        name = first.value if isinstance(first, ast.Constant) else constants.get(getattr(first, "id", None))
        assert isinstance(name, str), f"{where}: name the task by its registered name, a string"
        names[name] = where
    assert {"awards.tasks.compute_award", "awards.tasks.issue_letter", "portal.tasks.send_outbox_message"} <= set(names)
    assert {name: where for name, where in names.items() if name not in app.tasks} == {}

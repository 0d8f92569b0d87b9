"""A worker killed while it renders a letter, or after rendering while it seals it: the task goes back to the
queue (acks late), another worker renders and seals it, and the letter exists once, with the number it was given
first; no unsealed file is ever saved."""

import errno
import os
import shutil
import signal
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from awards import seal
from awards.models import Award, Letter, LetterSequence
from awards.tasks import issue_letter
from tests.awards.test_letters import confirmed_award
from tests.workers import start_celery_worker, stop_celery_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_worker_killed_mid_render_leaves_the_letter_queued_and_it_is_produced_once(review_call, alice, monkeypatch):
    # Confirmation would queue the letter on the run's own queue; this test queues it on a queue whose
    # workers it starts and kills itself.
    monkeypatch.setattr("awards.notice.enqueue_on_commit", lambda task, decision_id: None)
    award = confirmed_award(review_call, alice)
    # A long breakdown makes the render take seconds, so the worker can be killed in the middle of it.
    breakdown = award.breakdown
    for language in ("zh-hans", "en"):
        line = breakdown[language]["breakdown"][0]
        breakdown[language]["breakdown"] = [line] * 800
    Award.objects.filter(pk=award.pk).update(breakdown=breakdown)

    queue = f"letters-{uuid.uuid4().hex[:8]}"
    # A short visibility timeout: the next worker takes back the unacknowledged task after 3 s.
    first, _name, first_log = start_celery_worker(queue, "letter-worker-killed.log", CELERY_VISIBILITY_TIMEOUT="3")
    # Exchange and routing key named too: a task taken back after its worker died is restored by them.
    issue_letter.apply_async(args=[award.decision_id], queue=queue, exchange=queue, routing_key=queue)
    letter = wait_for(lambda: Letter.objects.filter(decision_id=award.decision_id).first(), 60, "the letter number")
    assert not letter.pdf  # numbered and committed, the PDF not yet written: kill the worker now
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    first_log.close()
    assert not Letter.objects.get(pk=letter.pk).pdf

    second, _name, second_log = start_celery_worker(queue, "letter-worker-second.log", CELERY_VISIBILITY_TIMEOUT="3")
    try:
        rendered = wait_for(
            lambda: Letter.objects.filter(pk=letter.pk, rendered_at__isnull=False).first(), 120, "the PDF"
        )
    finally:
        stop_celery_worker(second, second_log)
    assert Letter.objects.filter(decision_id=award.decision_id).count() == 1
    assert rendered.reference == letter.reference and rendered.pdf
    assert LetterSequence.objects.get(commission=letter.commission, year=letter.year).last == 1  # no gap
    assert Award.objects.get(pk=award.pk).state == "letter_issued"


def key_reader_waiting(fifo: Path) -> int | None:
    """A write end of `fifo` once a reader has opened it (the worker, blocked on reading its key), else None."""
    try:
        return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as error:
        if error.errno == errno.ENXIO:  # no reader yet
            return None
        raise


def test_a_worker_killed_after_rendering_before_sealing_leaves_no_letter_and_the_next_seals_it(
    review_call, alice, monkeypatch
):
    monkeypatch.setattr("awards.notice.enqueue_on_commit", lambda task, decision_id: None)
    award = confirmed_award(review_call, alice)
    # The fault comes through the environment: the first worker's SEAL_DIR holds the demo CA's certificate (so it
    # renders the same letter) and, for the commission's key, a named pipe nobody writes to. The worker renders,
    # then blocks reading the key, i.e. after rendering and before sealing: the test sees it open the pipe.
    fault_dir = Path(tempfile.mkdtemp(prefix="portal-test-seal-fault-"))
    shutil.copy(Path(settings.SEAL_DIR) / seal.DEMO_CA_FILE, fault_dir / seal.DEMO_CA_FILE)
    fifo = fault_dir / "STCSM.p12"
    os.mkfifo(fifo)

    def files() -> dict:
        return {path: path.stat().st_mtime_ns for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()}

    files_before = files()
    queue = f"letters-{uuid.uuid4().hex[:8]}"
    first, _name, first_log = start_celery_worker(
        queue, "letter-worker-killed-sealing.log", CELERY_VISIBILITY_TIMEOUT="3", SEAL_DIR=str(fault_dir)
    )
    writer = None
    try:
        issue_letter.apply_async(args=[award.decision_id], queue=queue, exchange=queue, routing_key=queue)
        writer = wait_for(lambda: key_reader_waiting(fifo), 60, "the worker to render and reach for its key")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        first_log.close()
        if writer is not None:
            os.close(writer)
        shutil.rmtree(fault_dir, ignore_errors=True)
    letter = Letter.objects.get(decision_id=award.decision_id)
    assert not letter.pdf and letter.rendered_at is None and not letter.sha256
    assert files() == files_before  # no unsealed file left behind
    assert Award.objects.get(pk=award.pk).state != "letter_issued"

    second, _name, second_log = start_celery_worker(queue, "letter-worker-sealing.log", CELERY_VISIBILITY_TIMEOUT="3")
    try:
        sealed = wait_for(
            lambda: Letter.objects.filter(pk=letter.pk, rendered_at__isnull=False).first(), 120, "the PDF"
        )
    finally:
        stop_celery_worker(second, second_log)
    assert Letter.objects.filter(decision_id=award.decision_id).count() == 1 and sealed.number == letter.number
    with sealed.pdf.open("rb") as handle:
        check = seal.validate_seal(handle.read())
    assert check.valid and check.signer == "STCSM"
    assert Award.objects.get(pk=award.pk).state == "letter_issued"

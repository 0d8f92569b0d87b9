"""A worker killed while it renders a letter: the task goes back to the queue (acks late), another
worker renders it, and the letter exists once, with the number it was given first."""

import signal
import time
import uuid

import pytest

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

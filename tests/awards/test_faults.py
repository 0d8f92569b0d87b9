"""Issue 7, reliability: the worst afternoon. Letters of confirmed awards are being rendered when the worker
is killed (SIGKILL, mid-render) and Redis is flushed (a restart without persistence): every queued and
unacknowledged message is gone. The beat task that sweeps for unfinished work queues the letters again,
and in the end every confirmed award has exactly one letter, numbered without gaps.

The worker and its broker live on a Redis database of their own, so flushing it touches nothing else of
the test run."""

import os
import signal
import uuid
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.utils import timezone
from kombu import Connection

from awards import notice
from awards.models import Award, AwardState, Letter, LetterSequence
from awards.services import award_compute
from awards.tasks import issue_letter, sweep_unfinished
from tests import journeys
from tests.awards.test_letter_worker import wait_for
from tests.factories import OrganisationFactory, member
from tests.journeys import approved_directly
from tests.workers import start_celery_worker, stop_celery_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LETTERS = 6


def fault_redis_url() -> str:
    # A broker of the fault tests' own, which they flush: one per test process (under pytest-xdist two fault
    # tests run at once, and each must not flush the other's), four below the process's own database.
    db = (int(os.environ["TEST_REDIS_DB"]) - 4) % 16
    return settings.REDIS_URL.rsplit("/", 1)[0] + f"/{db}"


def test_killed_worker_and_flushed_redis_lose_no_letter(review_call, monkeypatch):
    url = fault_redis_url()
    broker = redis.Redis.from_url(url)
    broker.flushdb()
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    connection = Connection(url)

    def send(task, *args):
        task.apply_async(args=args, queue=queue, exchange=queue, routing_key=queue, connection=connection)

    # What the portal queues on confirmation goes to this test's broker and queue.
    monkeypatch.setattr(issue_letter, "delay", lambda decision_id: send(issue_letter, decision_id))

    awards = []
    for k in range(LETTERS // 2):
        applicant = member(OrganisationFactory(name=f"Fault Biotech {k}"), admin=True, username=f"fault{k}")
        for application in approved_directly(review_call, applicant, rd_spending="10000000", product_key=f"F{k}", n=2):
            awards.append(award_compute(application_id=application.pk))
    # Long breakdowns make each render take a moment, so the kill lands in the middle of the run.
    for award in awards:
        breakdown = award.breakdown
        for language in ("zh-hans", "en"):
            breakdown[language]["breakdown"] = breakdown[language]["breakdown"][:1] * 150
        Award.objects.filter(pk=award.pk).update(breakdown=breakdown)
    notice.notice_publish(call=review_call, by=journeys.lead(awards[0].application))
    # Confirmation queues one letter task per award, on commit.
    assert len(notice.notices_close(today=timezone.localdate() + timedelta(days=30))) == LETTERS
    decisions = [award.decision_id for award in awards]

    env = {"REDIS_URL": url, "CELERY_VISIBILITY_TIMEOUT": "3"}
    first, _name, first_log = start_celery_worker(queue, "fault-worker-killed.log", **env)
    rendered = Letter.objects.filter(decision_id__in=decisions, rendered_at__isnull=False)
    in_progress = Letter.objects.filter(decision_id__in=decisions, rendered_at__isnull=True)
    wait_for(lambda: rendered.count() >= 2 and in_progress.exists(), 120, "two letters done and one half-way")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    first_log.close()
    broker.flushdb()

    done_before = rendered.count()
    assert 2 <= done_before < LETTERS
    second, _name, second_log = start_celery_worker(queue, "fault-worker-after-flush.log", **env)
    try:
        # The messages are gone: nothing more happens by itself.
        with pytest.raises(AssertionError, match="timed out"):
            wait_for(lambda: rendered.count() > done_before, 8, "a letter nobody queued")
        # Beat's sweep, once the grace period has passed (moved back in time here, not waited for).
        Award.objects.filter(pk__in=[a.pk for a in awards]).update(confirmed_at=timezone.now() - timedelta(minutes=15))
        send(sweep_unfinished)
        wait_for(lambda: rendered.count() == LETTERS, 180, "every letter")
    finally:
        stop_celery_worker(second, second_log)
        broker.flushdb()
        connection.release()

    for award in Award.objects.filter(pk__in=[a.pk for a in awards]):
        assert award.state == AwardState.LETTER_ISSUED
        assert Letter.objects.filter(decision_id=award.decision_id).count() == 1
    letters = Letter.objects.filter(decision_id__in=decisions)
    assert all(letter.pdf for letter in letters)
    # One number each, no gap where the killed render had taken one.
    sequence = LetterSequence.objects.get(commission=letters[0].commission, year=letters[0].year)
    assert sequence.last == LETTERS
    assert len({letter.reference for letter in letters}) == LETTERS

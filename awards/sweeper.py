"""Work that should have happened and did not: a Redis restart can lose queued messages, and a task
that failed for good stops retrying. Celery beat runs `sweep` every few minutes; it queues again the
award of every approval that has none and the letter of every decision that should have one. The tasks
are idempotent, so queueing again what is merely slow is harmless."""

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from applications.models import State
from awards.models import Award, AwardState, Letter
from portal.queueing import enqueue
from reviews.models import Decision, DecisionOutcome

# Leave the normal path time to finish before calling anything lost.
GRACE = timedelta(minutes=10)


def approvals_without_award(now=None):
    cutoff = (now or timezone.now()) - GRACE
    return Decision.objects.filter(
        outcome=DecisionOutcome.APPROVED,
        decided_at__lt=cutoff,
        application__state=State.APPROVED,
    ).exclude(Exists(Award.objects.filter(decision=OuterRef("pk"))))


def decisions_without_letter(now=None):
    cutoff = (now or timezone.now()) - GRACE
    rendered = Letter.objects.filter(decision=OuterRef("pk"), rendered_at__isnull=False)
    confirmed = Award.objects.filter(decision=OuterRef("pk"), state=AwardState.CONFIRMED, confirmed_at__lt=cutoff)
    rejected = Decision.objects.filter(pk=OuterRef("pk"), outcome=DecisionOutcome.REJECTED, decided_at__lt=cutoff)
    return Decision.objects.filter(Exists(confirmed) | Exists(rejected)).exclude(Exists(rendered))


def sweep(now=None) -> dict:
    awards = list(approvals_without_award(now).values_list("application_id", flat=True))
    letters = list(decisions_without_letter(now).values_list("pk", flat=True))
    for application_id in awards:
        enqueue("awards.tasks.compute_award", application_id)
    for decision_id in letters:
        enqueue("awards.tasks.issue_letter", decision_id)
    return {"awards": len(awards), "letters": len(letters)}

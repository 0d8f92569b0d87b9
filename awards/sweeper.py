"""Work that should have happened and did not: a Redis restart can lose queued messages, and a task
that failed for good stops retrying. Celery beat runs `sweep` every few minutes; it queues again the
award of every approval of a grant that has none, the letter of every decision that should have one, and
the certificate of every valid register entry whose granting decision has none. The tasks are idempotent,
so queueing again what is merely slow is harmless."""

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from applications.models import ProgramOutcome, State
from awards.models import Award, AwardState, EntryState, Letter, RegisterEntry
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
        application__call__program__outcome=ProgramOutcome.GRANT,
    ).exclude(Exists(Award.objects.filter(decision=OuterRef("pk"))))


def decisions_without_letter(now=None):
    cutoff = (now or timezone.now()) - GRACE
    rendered = Letter.objects.filter(decision=OuterRef("pk"), rendered_at__isnull=False)
    confirmed = Award.objects.filter(decision=OuterRef("pk"), state=AwardState.CONFIRMED, confirmed_at__lt=cutoff)
    rejected = Decision.objects.filter(pk=OuterRef("pk"), outcome=DecisionOutcome.REJECTED, decided_at__lt=cutoff)
    return Decision.objects.filter(Exists(confirmed) | Exists(rejected)).exclude(Exists(rendered))


def entries_without_certificate(now=None):
    """Valid entries whose latest grant (listing or renewal) has no rendered certificate after the grace."""
    cutoff = (now or timezone.now()) - GRACE
    rendered = Letter.objects.filter(decision=OuterRef("decision_id"), rendered_at__isnull=False)
    return RegisterEntry.objects.filter(state=EntryState.VALID, updated_at__lt=cutoff).exclude(Exists(rendered))


def sweep(now=None) -> dict:
    awards = list(approvals_without_award(now).values_list("application_id", flat=True))
    letters = list(decisions_without_letter(now).values_list("pk", flat=True))
    certificates = list(entries_without_certificate(now).values_list("decision_id", flat=True))
    for application_id in awards:
        enqueue("awards.tasks.compute_award", application_id)
    for decision_id in letters:
        enqueue("awards.tasks.issue_letter", decision_id)
    for decision_id in certificates:
        enqueue("awards.tasks.issue_certificate", decision_id)
    return {"awards": len(awards), "letters": len(letters), "certificates": len(certificates)}

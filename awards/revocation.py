"""Revoking a letter or certificate (issue 17): when the decision it states stops standing, its verification page
says so from then on, with the date and the reason. Called, inside their transactions, by the acts that end a
decision: a clawback for fraud (awards/money.py), an upheld objection (awards/notice.py,
awards/register_notice.py) and a removal from a register (awards/register.py).

A revocation is written once: a second one (another clawback for fraud of the same award) keeps the first date
and reason and records nothing.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from applications.models import AuditEvent
from awards.models import Letter, RevocationCause
from portal.accounts.models import User

LETTER_REVOKED = "letter_revoked"
# Words for the event in an application's history (registered with the workflow in awards/apps.py).
LABELS = {LETTER_REVOKED: gettext_lazy("Letter or certificate revoked")}


@transaction.atomic
def letter_revoke(
    *, letter: Letter, reason: str, cause: RevocationCause, on: date | None = None, by: User | None = None
) -> Letter:
    """Mark `letter` revoked on `on` (today) for `cause`, with the officer's `reason` (may be empty where the cause
    says everything public); an audit event on its application records it. Idempotent."""
    letter = Letter.objects.select_for_update().select_related("application").get(pk=letter.pk)
    if letter.revoked_on is not None:
        return letter
    letter.revoked_on = on or timezone.localdate()
    letter.revoked_cause, letter.revoked_reason = cause, (reason or "").strip()
    letter.save(update_fields=["revoked_on", "revoked_cause", "revoked_reason"])
    AuditEvent.record(
        application=letter.application,
        action=LETTER_REVOKED,
        by=by,
        reason=letter.revoked_reason,
        data={"letter": letter.pk, "reference": letter.reference, "cause": str(cause)},
    )
    return letter


def letters_revoke(*, letters, reason: str, cause: RevocationCause, by: User | None = None) -> list[Letter]:
    """Revoke each of `letters` (a queryset or list), in one lock order."""
    return [
        letter_revoke(letter=letter, reason=reason, cause=cause, by=by)
        for letter in sorted(letters, key=lambda letter: letter.pk)
    ]

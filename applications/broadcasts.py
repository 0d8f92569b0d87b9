"""The lead commission's announcements to a call's applicants (issue 16, item 5): recorded as typed, and an inbox
item with its e-mail for each member of every organisation with an application to the call.

Who is an applicant of a call: every organisation with an application to it in any state but withdrawn, drafts
included (a deadline change matters most to those still writing); a withdrawn application has left the call.
The text is one person's, in one language: the inbox item carries it as typed in both language slots, under a
translated heading naming the commission and the call."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from applications.models import Application, Broadcast, Call, State
from applications.permissions import can_broadcast_to_call
from portal.accounts import inbox
from portal.accounts.models import NotificationKind, User
from portal.errors import ErrorCode, PortalError

SUBJECT_MAX = 200
BODY_MAX = 5000


def recipients_of(call: Call) -> QuerySet[User]:
    organisations = Application.objects.filter(call=call).exclude(state=State.WITHDRAWN).values("organisation_id")
    return User.objects.filter(organisation_id__in=organisations, is_active=True).order_by("pk")


def _clean(subject: str, body: str) -> tuple[str, str]:
    # A browser's textarea sends CRLF: the record and the mail keep plain line breaks.
    subject, body = (subject or "").strip(), (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    errors = {}
    if not subject:
        errors["subject"] = [_("Write a subject.")]
    elif len(subject) > SUBJECT_MAX or "\n" in subject or "\r" in subject:
        errors["subject"] = [_("A subject is one line of at most %(n)d characters.") % {"n": SUBJECT_MAX}]
    if not body:
        errors["body"] = [_("Write the message.")]
    elif len(body) > BODY_MAX:
        errors["body"] = [_("A message has at most %(n)d characters.") % {"n": BODY_MAX}]
    if errors:
        raise PortalError(ErrorCode.INVALID, errors=errors)
    return subject, body


def broadcast_send(*, call: Call, by: User, subject: str, body: str) -> Broadcast:
    """Record the announcement and tell every applicant of the call once (one inbox item per person, one e-mail
    to those who take announcements at once). Bad input or a refusal: nothing is recorded or sent."""
    allowed, reason = can_broadcast_to_call(by, call)
    if not allowed:
        raise PortalError(ErrorCode.NOT_ALLOWED, reason)
    subject, body = _clean(subject, body)
    with transaction.atomic():
        # The call's row lock: two announcements sent at once are counted against the same applicants.
        call = Call.objects.select_for_update(of=("self",)).select_related("program__lead").get(pk=call.pk)
        broadcast = Broadcast.objects.create(call=call, author=by, subject=subject, body=body)
        texts = inbox.render_texts(
            "emails/broadcast_subject.txt",
            "emails/broadcast.txt",
            {"call": call, "commission": call.program.lead, "subject": subject, "body": body},
        )
        items = inbox.notify(
            users=recipients_of(call),
            kind=NotificationKind.BROADCAST,
            key=f"broadcast:{broadcast.pk}",
            texts=texts,
        )
        broadcast.recipient_count = len(items)
        broadcast.save(update_fields=["recipient_count"])
    return broadcast


def broadcasts_of(call: Call) -> QuerySet[Broadcast]:
    return Broadcast.objects.filter(call=call).select_related("author")

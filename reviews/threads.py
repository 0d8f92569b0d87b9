"""The thread of an application: messages between the applicant's team and the commissions holding a task on it.

Services (keyword-only, no request) write a message, answer a clarification request and send the reminders of
requests coming due; selectors read a thread as one person may see it. Who may: `reviews/permissions.py`
(`can_view_thread`, `can_post_message`, `can_request_clarification`, `can_answer_clarification`,
`can_read_internal_messages`). A thread is keyed on the application, so it survives a return for correction and a
resubmission; it is append-only (reviews/migrations/0004) and its requests and answers are in the history.
"""

import hashlib
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import workflow
from applications.filing import ALLOWED_TYPES, sniff_upload
from applications.models import Application, AuditEvent
from applications.selectors import get_application_for_user
from portal.accounts import inbox
from portal.accounts.models import NotificationKind, User
from portal.accounts.predicates import is_officer, may_apply_for
from portal.errors import ErrorCode, PortalError
from reviews import permissions
from reviews.models import Message, MessageAttachment, Side, TaskState

MAX_BODY = 10_000
MAX_FILES = 5


class ThreadAction:
    """The thread's events in an application's history (labels registered in reviews/apps.py)."""

    CLARIFICATION_REQUESTED = "clarification_requested"
    CLARIFICATION_ANSWERED = "clarification_answered"


EVENT_LABELS = {
    ThreadAction.CLARIFICATION_REQUESTED: gettext_lazy("Clarification requested"),
    ThreadAction.CLARIFICATION_ANSWERED: gettext_lazy("Clarification answered"),
}


# --- reading ------------------------------------------------------------------------------------------------


def thread_messages(user, application: Application) -> QuerySet[Message]:
    """The thread as `user` reads it, oldest first: internal messages only for the commissions (and
    administrators), with authors, commissions and files in three queries however long the thread."""
    messages = (
        Message.objects.filter(application=application)
        .select_related("author", "commission", "answered_by__author")
        .prefetch_related(Prefetch("attachments", queryset=MessageAttachment.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )
    if not permissions.can_read_internal_messages(user, application)[0]:
        messages = messages.filter(internal=False)
    return messages


def open_requests_everywhere() -> QuerySet[Message]:
    return Message.objects.filter(due_on__isnull=False, answered_at__isnull=True, internal=False)


def open_requests(application: Application) -> QuerySet[Message]:
    return open_requests_everywhere().filter(application=application).order_by("due_on", "pk")


def get_thread_for_user(user, pk) -> Application:
    """The application whose thread `user` may read, else 404 (outsiders learn nothing)."""
    application = get_application_for_user(user, pk)
    if not permissions.can_view_thread(user, application)[0]:
        raise Http404
    return application


def get_request_for_user(user, application: Application, message_id) -> Message:
    """A clarification request of the thread that `user` reads (the applicant never reaches an internal one)."""
    message = thread_messages(user, application).filter(pk=message_id, due_on__isnull=False).first()
    if message is None:
        raise Http404
    return message


def get_message_attachment_for_user(user, pk) -> MessageAttachment:
    """A message's file, for those who read that message, else 404."""
    attachment = MessageAttachment.objects.select_related("message").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    application = get_thread_for_user(user, attachment.message.application_id)
    if not thread_messages(user, application).filter(pk=attachment.message_id).exists():
        raise Http404
    return attachment


def thread_page_link(application: Application, side: str) -> str:
    """Where a person of `side` reads the thread: the applicant's application (or case) page, the review page."""
    if side == Side.APPLICANT:
        name = "desk-case" if application.call.program.is_channel else "application-detail"
    else:
        name = "review-application"
    return reverse(name, kwargs={"pk": application.pk}) + "#thread"


# --- writing ------------------------------------------------------------------------------------------------


def _refuse_unless(answer: tuple[bool, str]) -> None:
    allowed, reason = answer
    if not allowed:
        raise PortalError(ErrorCode.NOT_ALLOWED, reason)


def _check_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise PortalError(ErrorCode.REQUIRED, _("Write the message."), field="body")
    if len(body) > MAX_BODY:
        raise PortalError(
            ErrorCode.INVALID, _("A message is at most %(n)s characters.") % {"n": MAX_BODY}, field="body"
        )
    if "\x00" in body:
        raise PortalError(ErrorCode.INVALID, _("The message holds a character that cannot be stored."), field="body")
    return body


def _check_files(files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str, str]]:
    """Every file checked (type by its bytes, size) before anything is written: one refused refuses all."""
    if len(files) > MAX_FILES:
        raise PortalError(
            ErrorCode.UPLOAD_REFUSED, _("At most %(n)s files per message.") % {"n": MAX_FILES}, field="files"
        )
    checked = []
    for upload in files:
        try:
            mime = sniff_upload(upload)
        except PortalError as error:
            raise PortalError(error.code, errors={"files": error.errors.get("file", error.messages())}) from None
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        checked.append((upload, mime, digest.hexdigest()))
    return checked


def _store(message: Message, checked: list[tuple[UploadedFile, str, str]]) -> None:
    for upload, mime, sha256 in checked:
        attachment = MessageAttachment(
            message=message,
            original_name=(upload.name or "upload")[-200:],
            content_type=mime,
            size=upload.size,
            sha256=sha256,
        )
        # The stored name is ours (hash + extension by content): no user-supplied path reaches the disk.
        attachment.file.save(f"{sha256[:32]}.{ALLOWED_TYPES[mime]}", upload, save=False)
        attachment.save()


def message_post(
    *,
    application: Application,
    by: User,
    body: str,
    internal: bool = False,
    due_on: date | None = None,
    files: Sequence[UploadedFile] = (),
    today: date | None = None,
) -> Message:
    """A message on the thread; with `due_on`, a clarification request the applicant answers by that day.
    Announces it to the other side in the same transaction (an internal one to nobody)."""
    _refuse_unless(permissions.can_post_message(by, application))
    body = _check_body(body)
    side = Side.APPLICANT if workflow.is_applicant(by, application) else Side.COMMISSION
    if side == Side.APPLICANT and (internal or due_on is not None):
        raise PortalError(ErrorCode.NOT_ALLOWED, _("Only the reviewing commissions mark a message internal."))
    if due_on is not None:
        _refuse_unless(permissions.can_request_clarification(by, application))
        if internal:
            raise PortalError(
                ErrorCode.INVALID,
                _("A clarification request is asked of the applicant: it cannot be internal."),
                field="internal",
            )
        if due_on <= (today or timezone.localdate()):
            raise PortalError(ErrorCode.INVALID, _("The answer is due on a day after today."), field="due_on")
    checked = _check_files(files)
    with transaction.atomic():
        message = Message.objects.create(
            application=application,
            author=by,
            side=side,
            commission_id=by.commission_id if side == Side.COMMISSION else None,
            body=body,
            internal=internal,
            due_on=due_on,
        )
        _store(message, checked)
        event = None
        if due_on is not None:
            event = AuditEvent.record(
                application=application,
                action=ThreadAction.CLARIFICATION_REQUESTED,
                by=by,
                reason=body,
                data={"message": message.pk, "due_on": due_on.isoformat()},
            )
        if not internal:
            _announce(message, event=event)
    return message


def clarification_answer(*, request: Message, by: User, body: str, files: Sequence[UploadedFile] = ()) -> Message:
    """The applicant's answer to a clarification request (text and files): a reply pointing at it, which marks
    it answered once (a second answer, even at the same moment, is refused under the request's row lock)."""
    _refuse_unless(permissions.can_answer_clarification(by, request))
    body = _check_body(body)
    checked = _check_files(files)
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=request.pk)
        if locked.answered_at is not None:
            raise PortalError(ErrorCode.NOT_ALLOWED, _("This clarification request has already been answered."))
        reply = Message.objects.create(
            application=request.application, author=by, side=Side.APPLICANT, body=body, answers=locked
        )
        _store(reply, checked)
        now = timezone.now()
        Message.objects.filter(pk=locked.pk, answered_at__isnull=True).update(answered_at=now, answered_by=reply)
        request.answered_at, request.answered_by = now, reply
        event = AuditEvent.record(
            application=request.application,
            action=ThreadAction.CLARIFICATION_ANSWERED,
            by=by,
            reason=body,
            data={"message": reply.pk, "request": locked.pk},
        )
        _announce(reply, event=event)
    return reply


# --- who is told --------------------------------------------------------------------------------------------


def applicant_team(application: Application) -> list[User]:
    """The members who may follow the organisation's applications (the object permission too)."""
    members = User.objects.filter(organisation_id=application.organisation_id, is_active=True).select_related(
        "organisation"
    )
    return [user for user in members if may_apply_for(user, application.organisation)]


def commission_officers(application: Application, *, also=()) -> list[User]:
    """The officers told of an applicant's message: those of the lead commission (whose file, and project, it
    is), of every commission with an open task on it, and of `also` (the commission that asked a question)."""
    commissions = set(application.tasks.filter(state=TaskState.OPEN).values_list("commission_id", flat=True)) | {
        application.call.program.lead_id,
        *also,
    }
    holding = set(application.tasks.values_list("commission_id", flat=True))
    people = User.objects.filter(commission_id__in=commissions & holding, is_active=True)
    return [user for user in people if is_officer(user)]


def _announce(message: Message, *, event=None) -> None:
    application = message.application
    if message.side == Side.COMMISSION:
        users, to = applicant_team(application), Side.APPLICANT
    else:
        asked = [message.answers.commission_id] if message.answers_id and message.answers.commission_id else []
        users, to = commission_officers(application, also=asked), Side.COMMISSION
    context = {"message": message, "application": application, "to_officers": to == Side.COMMISSION}
    inbox.notify(
        users=users,
        kind=NotificationKind.MESSAGE,
        key=f"message:{message.pk}",
        texts=inbox.render_texts("emails/message_subject.txt", "emails/message.txt", context),
        link=thread_page_link(application, to),
        event=event,
    )


# --- reminders (beat: reviews.tasks.send_clarification_reminders) --------------------------------------------


class ReminderStage:
    DUE_TOMORROW = "due"
    OVERDUE = "overdue"


def clarification_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the applicant's team of each open clarification request due tomorrow, and once more when it is
    overdue: each once per request and stage, however often beat runs (the inbox's unique key per person). An
    answered request is never reminded. Returns the number of inbox items written."""
    today = timezone.localdate(now or timezone.now())
    due = (
        open_requests_everywhere()
        .filter(due_on__lte=today + timedelta(days=1))
        .select_related("application__organisation", "application__call__program", "commission")
        .order_by("due_on", "pk")
    )
    written = 0
    for request in due:
        stage = ReminderStage.OVERDUE if request.due_on < today else ReminderStage.DUE_TOMORROW
        if request.due_on == today:
            continue  # told yesterday that it is due; overdue from tomorrow
        with transaction.atomic():
            if Message.objects.filter(pk=request.pk, answered_at__isnull=False).exists():
                continue
            context = {
                "message": request,
                "application": request.application,
                "overdue": stage == ReminderStage.OVERDUE,
            }
            written += len(
                inbox.notify(
                    users=applicant_team(request.application),
                    kind=NotificationKind.REMINDER,
                    key=f"reminder:clarification:{request.pk}:{stage}",
                    texts=inbox.render_texts("emails/clarification_subject.txt", "emails/clarification.txt", context),
                    link=thread_page_link(request.application, Side.APPLICANT),
                )
            )
    return written

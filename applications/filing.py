"""Writes of the enterprise side: drafts, attachments, submission (the `submit`/`resubmit` effect of
the workflow), withdrawal. Keyword-only, typed, no request."""

import hashlib
from datetime import date

import filetype
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import estimator, workflow
from applications import facts as facts_codec
from applications.facts import unstorable_facts
from applications.models import Application, ApplicationVersion, Attachment, Call, Program, State, Track
from portal.accounts.models import Organisation, OrganisationKind, User
from portal.accounts.verification import require_verified_email
from portal.bilingual import localized
from portal.errors import ErrorCode, PortalError
from portal.request_guards import MAX_UPLOAD_BYTES, too_large_message

# Checked on the bytes, not the name or the browser's claim: an .exe renamed to .pdf is refused.
ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
EDITABLE = {State.DRAFT, State.RETURNED}
COUNTS_TOWARDS_LIMIT = ~Q(state__in=[State.DRAFT, State.WITHDRAWN])


def _require_applicant(user: User, application: Application) -> None:
    if not workflow.is_applicant(user, application):
        raise PortalError(ErrorCode.NOT_ALLOWED, _("Only members of the applying organisation may do this."))


def _require_editable(application: Application) -> None:
    if application.state not in EDITABLE:
        raise PortalError(
            ErrorCode.ILLEGAL_TRANSITION,
            _("A submitted application cannot be changed; it can be corrected only after it is returned to you."),
        )


def _check_applicant_kind(program: Program, organisation: Organisation) -> None:
    """The clause says who may apply (a hospital's beds: public institutions only); refused at the first draft
    and again on submission, so a file of another kind of organisation never reaches a commission."""
    if program.admits(organisation.kind):
        return
    kinds = "; ".join(str(OrganisationKind(kind).label) for kind in program.applicants)
    raise PortalError(
        ErrorCode.APPLICANT_KIND,
        _("%(program)s is for %(kinds)s only; your organisation is registered as %(kind)s.")
        % {"program": localized(program, "title"), "kinds": kinds, "kind": organisation.get_kind_display()},
    )


def application_create(*, call: Call, track: Track, title: str, by: User, at=None) -> Application:
    if track.program_id != call.program_id:
        raise PortalError(ErrorCode.UNKNOWN_TRACK, _("This track belongs to another program."), field="track")
    if not call.is_open(at or timezone.now()):
        raise PortalError(ErrorCode.CALL_CLOSED, _("This call is not open for applications."))
    application = Application(call=call, track=track, title=title.strip(), created_by=by, organisation=by.organisation)
    if by.organisation is None:
        raise PortalError(ErrorCode.NOT_ALLOWED, _("Register your organisation before you apply."))
    _require_applicant(by, application)
    _check_applicant_kind(call.program, by.organisation)
    application.save()
    return application


def _change_track(application: Application, track: Track) -> None:
    """A draft never submitted may move to another track of its call's program: the form then asks that
    track's facts and documents. After a submission the track is what was reviewed."""
    if track.program_id != application.call.program_id:
        raise PortalError(ErrorCode.UNKNOWN_TRACK, _("This track belongs to another program."), field="track")
    if application.state != State.DRAFT or application.first_submitted_at:
        raise PortalError(
            ErrorCode.ILLEGAL_TRANSITION,
            _("The track can be changed only before the first submission."),
            field="track",
        )
    application.track = track


def application_save_draft(
    *, application: Application, title: str, draft_facts: dict, by: User, track: Track | None = None
) -> Application:
    """Keep what the applicant typed, valid or not, and the track chosen (`track`, a draft's only); estimate
    when every fact of the track is answered. Facts of another track stay in the draft (back on that track,
    they are there again) and are not asked, checked or submitted."""
    _require_applicant(by, application)
    _require_editable(application)
    if track is not None and track.pk != application.track_id:
        _change_track(application, track)
    draft_facts = {k: v for k, v in draft_facts.items() if v not in (None, "", [])}
    errors = unstorable_facts(draft_facts)
    if errors:
        raise PortalError(ErrorCode.INVALID, errors={"facts": errors})
    application.title = title.strip() or application.title
    application.draft_facts = draft_facts
    try:
        facts = facts_codec.parse(application.track.fact_schema, application.draft_facts)
    except PortalError:
        facts = None  # not every fact answered (or valid) yet: no estimate
    # Only a grant has an amount to estimate; a recognition or a channel's case pays nothing.
    pays = application.track.program.is_grant
    application.estimated_amount = estimator.estimate(application, facts).amount if facts and pays else None
    application.save(update_fields=["title", "track", "draft_facts", "estimated_amount", "updated_at"])
    return application


def sniff_upload(upload: UploadedFile) -> str:
    """The content type by the file's own bytes; PortalError for anything but PDF, JPEG or PNG."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise PortalError(
            ErrorCode.UPLOAD_REFUSED, too_large_message(upload.size, limit=MAX_UPLOAD_BYTES), field="file"
        )
    upload.seek(0)
    kind = filetype.guess(upload.read(8192))
    upload.seek(0)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise PortalError(
            ErrorCode.UPLOAD_REFUSED,
            _("Only PDF, JPEG and PNG files are accepted; this file's content is not one of them."),
            field="file",
        )
    return kind.mime


def attachment_add(*, application: Application, document_type: str, upload: UploadedFile, by: User) -> Attachment:
    _require_applicant(by, application)
    _require_editable(application)
    codes = {d["code"] for d in application.track.document_types}
    if document_type not in codes:
        raise PortalError(
            ErrorCode.INVALID, _("This program and track do not ask for that document."), field="document_type"
        )
    mime = sniff_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        application=application,
        document_type=document_type,
        original_name=(upload.name or "upload")[-200:],
        content_type=mime,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=by,
    )
    # The stored name is ours (hash + extension by content): no user-supplied path reaches the disk.
    attachment.file.save(f"{digest.hexdigest()[:32]}.{ALLOWED_TYPES[mime]}", upload, save=False)
    attachment.save()
    return attachment


def attachment_remove(*, attachment: Attachment, by: User) -> None:
    """Drop from the working copy; a file a submitted version holds stays with that version."""
    _require_applicant(by, attachment.application)
    _require_editable(attachment.application)
    attachment.in_draft = False
    attachment.save(update_fields=["in_draft"])


def _check_milestone(application: Application, facts: dict, errors: dict) -> None:
    milestone: date | None = facts.get("milestone_date")
    if milestone is None:
        return
    policy = application.call.program.policy
    if not policy.in_force_on(milestone):
        errors["milestone_date"] = [
            _(
                "On %(date)s the policy of this program (%(policy)s, funding %(start)s to %(end)s) was not in force; "
                "the policy in force on the milestone date decides which program applies."
            )
            % {
                "date": milestone,
                "policy": policy.document_number or policy.code,
                "start": policy.funding_starts,
                "end": policy.effective_to,
            }
        ]
        return
    windows = application.call.milestone_windows
    window = windows.get(application.track.code) or windows.get("*")
    if window and not (date.fromisoformat(window["from"]) <= milestone <= date.fromisoformat(window["to"])):
        errors["milestone_date"] = [
            _("This call funds milestones reached between %(start)s and %(end)s; %(date)s is outside that window.")
            % {"start": window["from"], "end": window["to"], "date": milestone}
        ]


def _check_credit(organisation: Organisation, today: date) -> None:
    """An organisation on the serious-dishonesty list, or under a ban, cannot be funded (SPEC §5)."""
    if organisation.credit_flag or (organisation.banned_until and organisation.banned_until >= today):
        raise PortalError(
            ErrorCode.BANNED,
            _("Your organisation may not apply: it is on the serious-dishonesty list or banned until %(date)s.")
            % {"date": organisation.banned_until or "—"},
        )


def _check_limit(application: Application) -> None:
    limit = application.call.max_applications_per_applicant
    if not limit or application.first_submitted_at:
        return
    # Lock the organisation: two colleagues submitting at once must not both pass the count.
    Organisation.objects.select_for_update().get(pk=application.organisation_id)
    filed = (
        Application.objects.filter(call=application.call, organisation=application.organisation)
        .filter(COUNTS_TOWARDS_LIMIT)
        .exclude(pk=application.pk)
        .aggregate(n=Count("pk"))["n"]
    )
    if filed >= limit:
        raise PortalError(
            ErrorCode.LIMIT_REACHED,
            _("This call accepts at most %(limit)s applications per applicant, and your organisation has filed %(n)s.")
            % {"limit": limit, "n": filed},
        )


def submit_effect(*, application: Application, by: User, at=None, **_payload) -> tuple[ApplicationVersion, dict]:
    now = at or timezone.now()
    call = application.call
    # Receipts, notices and the letter go to this address: it must be one the person reads.
    require_verified_email(by)
    _check_credit(application.organisation, now.date())
    _check_applicant_kind(call.program, application.organisation)
    if not application.first_submitted_at and not call.is_open(now):
        raise PortalError(ErrorCode.CALL_CLOSED, _("The call closed on %(date)s.") % {"date": call.closes_at.date()})
    # Every problem of the facts and of the documents at once, so that one round of corrections is enough.
    errors: dict = {}
    try:
        facts = facts_codec.parse(application.track.fact_schema, application.draft_facts)
    except PortalError as error:
        facts, errors = None, dict(error.errors["facts"])
    if facts is not None:
        _check_milestone(application, facts, errors)
    required = application.track.document_types
    # What the track asks is what is submitted: a document only another track asked for stays in the draft.
    attachments = list(application.attachments.filter(in_draft=True, document_type__in=[d["code"] for d in required]))
    missing = [d for d in required if d["code"] not in {a.document_type for a in attachments}]
    problems: dict = {"facts": errors} if errors else {}
    if missing:
        documents = "; ".join(localized(d, "label") for d in missing)
        problems["attachments"] = [_("Attach: %(documents)s.") % {"documents": documents}]
    if problems:
        raise PortalError(ErrorCode.INVALID if errors else ErrorCode.MISSING_DOCUMENTS, errors=problems)
    # A grant is estimated, a recognition's conditions are checked (no amount); a channel's case asks nothing.
    result = None if call.program.is_channel else estimator.estimate(application, facts)
    if result is not None and not result.eligible:
        raise PortalError(ErrorCode.INELIGIBLE, errors={None: list(result.reasons)})
    _check_limit(application)
    number = application.versions.count() + 1
    version = ApplicationVersion.objects.create(
        application=application,
        number=number,
        title=application.title,
        facts=facts_codec.dump(facts),
        product_key=facts.get("product_key", ""),
        milestone_date=facts.get("milestone_date"),
        estimate={}
        if result is None
        else {"amount": None if result.amount is None else str(result.amount), "eligible": result.eligible},
        catalogue_version=application.track.program.catalogue_version,
        submitted_at=now,
        submitted_by=by,
    )
    version.attachments.set(attachments)
    application.current_version = version
    application.estimated_amount = None if result is None else result.amount
    fields = ["current_version", "estimated_amount"]
    if not application.first_submitted_at:
        application.first_submitted_at = now
        application.receipt_number = f"{call.year}-{call.program.lead.code}-{application.pk:06d}"
        fields += ["first_submitted_at", "receipt_number"]
    application.save(update_fields=fields)
    return version, {"receipt_number": application.receipt_number, "version": number}


def application_submit(*, application: Application, by: User) -> Application:
    action = workflow.Action.RESUBMIT if application.state == State.RETURNED else workflow.Action.SUBMIT
    return workflow.transition(application=application, action=action, by=by)


def application_withdraw(*, application: Application, by: User, reason: str) -> Application:
    return workflow.transition(application=application, action=workflow.Action.WITHDRAW, by=by, reason=reason)


@transaction.atomic
def application_delete_draft(*, application: Application, by: User) -> None:
    _require_applicant(by, application)
    if application.state != State.DRAFT or application.versions.exists():
        raise PortalError(ErrorCode.ILLEGAL_TRANSITION, _("Only a draft that was never submitted can be deleted."))
    for attachment in application.attachments.all():
        attachment.file.delete(save=False)
        attachment.delete()
    application.delete()

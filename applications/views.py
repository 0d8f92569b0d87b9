"""The enterprise side: open calls, the organisation's dashboard, filing, attachments, submission."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications import broadcasts, estimator, filing, permissions
from applications import facts as facts_codec
from applications.facts import FactsForm, facts_for_display
from applications.forms import (
    OPEN,
    UPCOMING,
    AttachmentForm,
    BroadcastForm,
    CallFilter,
    CallFilterForm,
    CallQueryForm,
    NewApplicationForm,
    ReasonForm,
    TitleForm,
    TrackForm,
)
from applications.models import Attachment, Call, Policy, State
from applications.selectors import (
    applicant_history,
    get_application_for_user,
    listed_calls,
    open_calls,
    organisation_dashboard,
    program_kinds,
)
from applications.workflow import Action
from portal.accounts.guards import requires
from portal.accounts.models import Commission
from portal.accounts.predicates import is_admin, is_officer, may_apply
from portal.errors import PortalError

DASHBOARD_PAGE_SIZE = 50

# Sections of the application's page that the apps above own (reviews: the thread of messages), registered in
# their AppConfig.ready(): each answers (template, context) for the person asking, or None to show nothing.
DetailSection = Callable[[HttpRequest, object], tuple[str, dict] | None]
_detail_sections: list[DetailSection] = []


def add_detail_section(section: DetailSection) -> None:
    if section not in _detail_sections:
        _detail_sections.append(section)


@require_GET
def calls_page(request):
    commissions = Commission.objects.all()
    policies = Policy.objects.all()
    kinds = program_kinds()
    form = CallFilterForm(request.GET or None, commissions=commissions, policies=policies, kinds=kinds)
    calls = listed_calls().prefetch_related("program__tracks", "program__unit_rows__commission")
    asked = form.cleaned_data if form.is_valid() else {}
    # Open calls first to close, then the announced ones first to open: the same filter, each status.
    open_now = CallFilter({**asked, "status": OPEN}, queryset=calls.order_by("closes_at", "pk")).qs
    announced = CallFilter({**asked, "status": UPCOMING}, queryset=calls.order_by("opens_at", "pk")).qs
    today = timezone.localdate()
    rows = [(call, (timezone.localtime(call.closes_at).date() - today).days) for call in open_now]
    upcoming = [(call, (timezone.localtime(call.opens_at).date() - today).days) for call in announced]
    return render(request, "applications/calls.html", {"form": form, "rows": rows, "upcoming": upcoming})


@login_required
@require_GET
@requires(may_apply)  # "My applications" is an organisation's page: 404 to other roles
def dashboard(request):
    # Paginated: a large organisation files thousands of applications over the years.
    page = Paginator(organisation_dashboard(request.user), DASHBOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "applications/dashboard.html", {"applications": page.object_list, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
@requires(may_apply)  # only someone who files for an organisation opens a draft
def application_new(request):
    chosen = CallQueryForm(request.GET, calls=open_calls().select_related("program"))
    if not chosen.is_valid():
        raise Http404  # no call, a malformed id, or a call that is not open
    call = chosen.cleaned_data["call"]
    form = NewApplicationForm(request.POST or None, program=call.program)
    if request.method == "POST" and form.is_valid():
        track = call.program.tracks.get(code=form.cleaned_data["track"])
        try:
            application = filing.application_create(
                call=call, track=track, title=form.cleaned_data["title"], by=request.user
            )
        except PortalError as error:
            error.add_to_form(form)
        else:
            return redirect("application-edit", pk=application.pk)
    return render(request, "applications/new.html", {"form": form, "call": call})


def _estimate_for(application, raw: dict) -> dict | None:
    if not application.track.program.is_grant:
        return None  # nothing to estimate: the program pays no money
    form = FactsForm.bound_to(application.track.fact_schema, raw)
    if not form.is_valid():
        return None
    return estimator.estimate_shown(application, form.cleaned_data)


# The edit form's button (and the htmx request of its track choice) that changes the track and shows its questions.
CHANGE_TRACK = "track"
# The autosave of the edit page (htmx, a few seconds after typing stops): the same draft save as the button,
# answered with the "saved at" line instead of a new page.
AUTOSAVE = "autosave"


def _track_form(application, data=None) -> TrackForm | None:
    """The draft's track while it may change: before the first submission, in a program with several tracks."""
    tracks = list(application.call.program.tracks.all())
    if len(tracks) < 2 or application.state != State.DRAFT or application.first_submitted_at:
        return None
    return TrackForm(data, tracks=tracks, initial={"track": application.track.code})


def _chosen_track(track_form: TrackForm | None, application):
    if track_form is None or not track_form.is_valid():
        return None
    return next(t for t in application.call.program.tracks.all() if t.code == track_form.cleaned_data["track"])


# Where the error summary of a refused submission links a problem that is not a fact's (GOV.UK's pattern).
PROBLEM_ANCHORS = {"attachments": "#documents", "title": "#id_title"}


def _error_summary(*forms) -> list[tuple[str, str]]:
    """(link to the field, its problem) for every field error of `forms`, in the order of the page."""
    return [
        (f"#{form[name].auto_id}", f"{form.fields[name].label}: {text}")
        for form in forms
        for name in form.fields
        for text in form.errors.get(name, [])
    ]


def _say_draft_saved(request, application) -> None:
    """A draft keeps whatever was typed; an answer that will not pass on submission is a warning, not a success."""
    form = FactsForm.bound_to(application.track.fact_schema, application.draft_facts)
    form.is_valid()
    answered = {name for name, value in application.draft_facts.items() if value not in (None, "", [])}
    wrong = [(form.fields[n].label, text) for n in form.fields if n in answered for text in form.errors.get(n, [])]
    if not wrong:
        messages.success(request, _("Draft saved."))
        return
    messages.warning(
        request,
        _("Draft saved, but %(n)d answer(s) will not pass when you submit: correct them first.") % {"n": len(wrong)},
    )
    for label, text in wrong:
        messages.warning(request, f"{label}: {text}")


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request, pk):
    """The draft: its title, its track (which decides the questions and documents asked), the facts and the
    attachments. Choosing another track saves the draft and shows that track's questions: with htmx the page
    swaps them in place, without it the "show" button does the same by a full post."""
    application = get_application_for_user(request.user, pk)
    allowed, reason = permissions.can_edit_application(request.user, application)
    if not allowed:
        messages.error(request, reason)
        return redirect("application-detail", pk=pk)
    program = application.track.program
    schema = application.track.fact_schema
    title_form = TitleForm(request.POST or None, initial={"title": application.title}, program=program)
    track_form = _track_form(application, request.POST or None)
    facts_form = FactsForm(schema, initial=application.draft_facts)
    errors: list[tuple[str, str]] = []  # the error summary: (link, problem)
    if request.POST.get("action") == AUTOSAVE and not title_form.is_valid():
        problems = [str(text) for texts in title_form.errors.values() for text in texts]
        return render(request, "applications/_autosaved.html", {"problems": problems})
    if request.method == "POST" and title_form.is_valid():
        # The fields posted are those of the track the page showed; what was typed for another track is kept.
        raw = {**application.draft_facts, **facts_codec.values_from_post(schema, request.POST)}
        try:
            filing.application_save_draft(
                application=application,
                title=title_form.cleaned_data["title"],
                draft_facts=raw,
                # The track has its own control, which saves at once; an autosave sent just before it would
                # otherwise put the old track back.
                track=application.track
                if request.POST.get("action") == AUTOSAVE
                else _chosen_track(track_form, application),
                by=request.user,
            )
        except PortalError as error:
            if request.POST.get("action") == AUTOSAVE:
                return render(request, "applications/_autosaved.html", {"problems": error.messages()})
            error.flash(request)  # what cannot be stored at all (NUL in a text): nothing was saved
            return redirect("application-edit", pk=pk)
        if request.POST.get("action") == AUTOSAVE:
            return render(request, "applications/_autosaved.html", {"saved_at": timezone.localtime()})
        if request.POST.get("action") == CHANGE_TRACK:
            messages.success(request, _("Draft saved. The questions and documents are now those of the track chosen."))
            return redirect("application-edit", pk=pk)
        if request.POST.get("action") != Action.SUBMIT:
            _say_draft_saved(request, application)
            return redirect("application-edit", pk=pk)
        schema = application.track.fact_schema
        try:
            filing.application_submit(application=application, by=request.user)
        except PortalError as error:
            facts_form = FactsForm.bound_to(schema, application.draft_facts)
            facts_form.is_valid()
            for field, problems in error.errors.items():
                if field == "facts" and isinstance(problems, dict):
                    for name, texts in problems.items():
                        for text in texts:
                            if name in facts_form.fields and text not in facts_form.errors.get(name, []):
                                facts_form.add_error(name, text)
                else:
                    errors += [(PROBLEM_ANCHORS.get(field, ""), str(p)) for p in problems]
        else:
            return redirect("application-receipt", pk=pk)
    if request.method == "POST":
        errors = _error_summary(title_form, facts_form) + errors
    context = {
        "application": application,
        "title_form": title_form,
        "track_form": _track_form(application),
        "change_track": CHANGE_TRACK,
        "autosave": AUTOSAVE,
        "facts_form": facts_form,
        "attachment_form": AttachmentForm(track=application.track),
        "attachments": application.attachments.filter(in_draft=True),
        "documents": application.track.document_types,
        "errors": errors,
        "estimate": _estimate_for(application, application.draft_facts),
    }
    return render(request, "applications/edit.html", context)


@login_required
@require_POST
def application_estimate(request, pk):
    """The live estimate beside the form (htmx): what the typed facts would give, nothing saved."""
    application = get_application_for_user(request.user, pk)
    raw = facts_codec.values_from_post(application.track.fact_schema, request.POST)
    return render(request, "applications/_estimate.html", {"estimate": _estimate_for(application, raw)})


@login_required
@require_GET
def application_detail(request, pk):
    application = get_application_for_user(request.user, pk)
    if application.call.program.is_channel and application.state != State.DRAFT:
        # A service channel's case is followed on its case page, with the units' answers (reviews/desk_pages.py).
        return redirect("desk-case", pk=pk)
    context = {
        "application": application,
        "versions": application.versions.order_by("-number"),
        "history": applicant_history(application),
        "can_edit": permissions.can_edit_application(request.user, application)[0],
        "can_withdraw": permissions.can_withdraw_application(request.user, application)[0],
        "returned_reason": application.events.filter(action=Action.RETURN_FOR_CORRECTION).order_by("-at").first()
        if application.state == State.RETURNED
        else None,
        "decision": application.decisions.first() if application.state in (State.APPROVED, State.REJECTED) else None,
        "award": application.awards.prefetch_related("payments").first(),
        "letters": application.letters.filter(rendered_at__isnull=False),
        # The register entry this file listed or renewed (a recognition's outcome; awards keeps the register).
        "entry": next((e.entry for e in application.register_events.select_related("entry").order_by("-pk")[:1]), None),
        "sections": [shown for section in _detail_sections if (shown := section(request, application))],
    }
    return render(request, "applications/detail.html", context)


@login_required
@require_GET
def application_receipt(request, pk):
    application = get_application_for_user(request.user, pk)
    if application.current_version is None:
        raise Http404
    return render(
        request, "applications/receipt.html", {"application": application, "version": application.current_version}
    )


@login_required
@require_GET
def version_detail(request, pk, number):
    application = get_application_for_user(request.user, pk)
    version = get_object_or_404(application.versions.prefetch_related("attachments"), number=number)
    facts = facts_for_display(application.track.fact_schema, version.facts)
    return render(
        request, "applications/version.html", {"application": application, "version": version, "facts": facts}
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw(request, pk):
    application = get_application_for_user(request.user, pk)
    allowed, reason = permissions.can_withdraw_application(request.user, application)
    if not allowed:
        # Officers and administrators see the file but take no applicant's step: back to its page, as edit does.
        messages.error(request, reason)
        return redirect("application-detail", pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            filing.application_withdraw(application=application, by=request.user, reason=form.cleaned_data["reason"])
        except PortalError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("The application was withdrawn."))
            return redirect("application-detail", pk=pk)
    return render(request, "applications/withdraw.html", {"application": application, "form": form})


@login_required
@require_POST
def attachment_upload(request, pk):
    application = get_application_for_user(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES, track=application.track)
    if form.is_valid():
        try:
            filing.attachment_add(
                application=application,
                document_type=form.cleaned_data["document_type"],
                upload=form.cleaned_data["file"],
                by=request.user,
            )
        except PortalError as error:
            for problems in error.errors.values():
                for problem in problems:
                    messages.error(request, problem)
        else:
            messages.success(request, _("Document attached."))
    else:
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
    return redirect("application-edit", pk=pk)


@login_required
@require_POST
def attachment_remove(request, pk, attachment_id):
    application = get_application_for_user(request.user, pk)
    attachment = get_object_or_404(application.attachments, pk=attachment_id, in_draft=True)
    try:
        filing.attachment_remove(attachment=attachment, by=request.user)
    except PortalError as error:
        messages.error(request, str(error))
    return redirect("application-edit", pk=pk)


@login_required
@require_GET
def attachment_download(request, attachment_id):
    attachment = get_object_or_404(Attachment.objects.select_related("application"), pk=attachment_id)
    allowed, _reason = permissions.can_download_attachment(request.user, attachment)
    if not allowed:
        raise Http404  # an outsider cannot tell a forbidden file from a missing one
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


# --- the lead commission's announcements to a call's applicants --------------------------------------------------


def _officer_or_admin(user) -> bool:
    return is_officer(user) or is_admin(user)


@login_required
@require_http_methods(["GET", "POST"])
@requires(_officer_or_admin)
def call_broadcasts(request, call_id):
    """The record of what the lead commission told the call's applicants, and for its officers the form: a first
    POST shows what will be sent and to how many people, the second (confirmed) sends it."""
    call = get_object_or_404(Call.objects.select_related("program__lead"), pk=call_id)
    if not permissions.can_view_broadcasts(request.user, call)[0]:
        raise Http404
    may_send, reason = permissions.can_broadcast_to_call(request.user, call)
    form = BroadcastForm(request.POST or None) if may_send else None
    if request.method == "POST":
        if not may_send:
            messages.error(request, reason)
        elif form.is_valid():
            subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
            if request.POST.get("confirm") != "yes":
                context = {"call": call, "form": form, "recipients": broadcasts.recipients_of(call).count()}
                return render(request, "applications/broadcast_confirm.html", context)
            try:
                broadcast = broadcasts.broadcast_send(call=call, by=request.user, subject=subject, body=body)
            except PortalError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("Announcement sent to %(n)d people.") % {"n": broadcast.recipient_count})
                return redirect("call-broadcasts", call_id=call.pk)
    context = {"call": call, "form": form, "broadcasts": broadcasts.broadcasts_of(call), "may_send": may_send}
    return render(request, "applications/broadcasts.html", context)

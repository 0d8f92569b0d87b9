"""The thread's pages: shown on the applicant's application (or case) page and on the review page, and on its own
page (administrators, the project's link). Reads through `reviews.threads`' selectors after
`get_application_for_user`, writes through its services; 404 for anyone who may not read the thread."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications import workflow
from portal.errors import PortalError
from reviews import permissions, threads
from reviews.forms import ClarificationAnswerForm, MessageForm, OfficerMessageForm
from reviews.models import Side


def side_of(user, application) -> str:
    return Side.APPLICANT if workflow.is_applicant(user, application) else Side.COMMISSION


def thread_context(request, application, *, post_form=None, answer_forms=None) -> dict:
    """What `reviews/_thread.html` shows to `request.user`, who may read the thread (asked before)."""
    user = request.user
    items = list(threads.thread_messages(user, application))
    can_post = permissions.can_post_message(user, application)[0]
    applicant = workflow.is_applicant(user, application)
    may_request = permissions.can_request_clarification(user, application)[0]
    if post_form is None and can_post:
        post_form = (
            MessageForm(prefix="message")
            if applicant
            else OfficerMessageForm(prefix="message", may_request=may_request)
        )
    answer_forms = answer_forms or {}
    open_requests = [
        (message, answer_forms.get(message.pk) or ClarificationAnswerForm(prefix=f"answer-{message.pk}"))
        for message in items
        if applicant and message.is_open_request and not message.internal
    ]
    return {
        "application": application,
        "messages": items,
        "post_form": post_form if can_post else None,
        "open_requests": open_requests,
        "is_applicant": applicant,
        "may_request": may_request,
    }


def add_detail_section(request, application):
    """The thread on the applicant's application page (registered with applications.views in reviews/apps.py)."""
    if not permissions.can_view_thread(request.user, application)[0]:
        return None
    return "reviews/_thread.html", thread_context(request, application)


def _back(request, application) -> str:
    if permissions.can_post_message(request.user, application)[0]:
        return threads.thread_page_link(application, side_of(request.user, application))
    return reverse("thread", kwargs={"pk": application.pk})


@login_required
@require_GET
def thread_page(request, pk):
    application = threads.get_thread_for_user(request.user, pk)
    return render(request, "reviews/thread.html", {"thread": thread_context(request, application)})


@login_required
@require_POST
def message_post(request, pk):
    application = threads.get_thread_for_user(request.user, pk)
    allowed, reason = permissions.can_post_message(request.user, application)
    if not allowed:
        messages.error(request, reason)
        return redirect(_back(request, application))
    if workflow.is_applicant(request.user, application):
        form = MessageForm(request.POST, request.FILES, prefix="message")
    else:
        may_request = permissions.can_request_clarification(request.user, application)[0]
        form = OfficerMessageForm(request.POST, request.FILES, prefix="message", may_request=may_request)
    if form.is_valid():
        try:
            message = threads.message_post(
                application=application,
                by=request.user,
                body=form.cleaned_data["body"],
                internal=form.cleaned_data.get("internal", False),
                due_on=form.cleaned_data.get("due_on"),
                files=form.cleaned_data["files"],
            )
        except PortalError as error:
            error.add_to_form(form)
        else:
            if message.is_request:
                messages.success(request, _("The clarification request is sent to the applicant."))
            else:
                messages.success(request, _("Message sent."))
            return redirect(_back(request, application))
    return render(request, "reviews/thread.html", {"thread": thread_context(request, application, post_form=form)})


@login_required
@require_POST
def clarification_answer(request, pk, message_id):
    application = threads.get_thread_for_user(request.user, pk)
    question = threads.get_request_for_user(request.user, application, message_id)
    allowed, reason = permissions.can_answer_clarification(request.user, question)
    if not allowed:
        messages.error(request, reason)
        return redirect(_back(request, application))
    form = ClarificationAnswerForm(request.POST, request.FILES, prefix=f"answer-{question.pk}")
    if form.is_valid():
        try:
            threads.clarification_answer(
                request=question, by=request.user, body=form.cleaned_data["body"], files=form.cleaned_data["files"]
            )
        except PortalError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Your answer is sent to the commission."))
            return redirect(_back(request, application))
    context = thread_context(request, application, answer_forms={question.pk: form})
    return render(request, "reviews/thread.html", {"thread": context})


@login_required
@require_GET
def message_attachment_download(request, attachment_id):
    attachment = threads.get_message_attachment_for_user(request.user, attachment_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )

"""Pages of a service channel's case (reviews/desk.py): the enterprise's case page (its answers, reopen once,
close), and the officers' side: the lead routes, each routed unit answers. Reads go through the selectors,
writes through `workflow.transition` and `services.answer_give`."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications import workflow
from applications.facts import facts_for_display
from applications.models import Application, State
from applications.permissions import can_withdraw_application
from applications.selectors import applicant_history
from portal.accounts.guards import requires
from portal.accounts.predicates import is_commission_staff
from portal.bilingual import is_chinese, localized
from portal.errors import PortalError
from reviews import desk, permissions, selectors, services, thread_pages
from reviews.clock import working_days_left
from reviews.forms import AnswerForm, ReopenForm, RouteForm
from reviews.models import TaskKind, TaskState

A = workflow.Action


def _facts(application: Application) -> list[tuple[str, str]]:
    version = application.current_version
    return facts_for_display(application.track.fact_schema, version.facts) if version else []


# --- the enterprise's case page --------------------------------------------------------------------------


def _case_context(request, application: Application, *, reopen_form=None) -> dict:
    user = request.user
    can_reopen, refusal = permissions.can_reopen_case(user, application)
    routing = selectors.current_routing(application)
    due = date.fromisoformat(routing.data["due_on"]) if routing else None
    return {
        "application": application,
        "facts": _facts(application),
        "routing": routing,
        "due_on": due,
        "days_left": working_days_left(selectors.today(), due) if due else None,
        "delivered": selectors.delivered_answers(application),
        "reopens": selectors.reopen_reasons(application),
        "reopen_form": (reopen_form or ReopenForm()) if can_reopen else None,
        # The applicant of an answered case who may not reopen it any more is told why, where the button was.
        "reopen_refusal": refusal
        if not can_reopen and application.state == State.ANSWERED and workflow.is_applicant(user, application)
        else "",
        "can_close": permissions.can_close_case(user, application)[0],
        "can_withdraw": can_withdraw_application(user, application)[0],
        "history": applicant_history(application),
        "thread": _thread(request, application),
    }


@login_required
@require_GET
def case_page(request, pk):
    application = selectors.get_case_for_user(request.user, pk)
    return render(request, "reviews/desk_case.html", _case_context(request, application))


@login_required
@require_POST
def case_reopen(request, pk):
    application = selectors.get_case_for_user(request.user, pk)
    allowed, reason = permissions.can_reopen_case(request.user, application)
    if not allowed:
        messages.error(request, reason)
        return redirect("desk-case", pk=pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            workflow.transition(
                application=application, action=A.REOPEN, by=request.user, reason=form.cleaned_data["reason"]
            )
        except PortalError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("The case is reopened: the lead commission routes it again."))
            return redirect("desk-case", pk=pk)
    return render(request, "reviews/desk_case.html", _case_context(request, application, reopen_form=form))


@login_required
@require_POST
def case_close(request, pk):
    application = selectors.get_case_for_user(request.user, pk)
    allowed, reason = permissions.can_close_case(request.user, application)
    if not allowed:
        messages.error(request, reason)
        return redirect("desk-case", pk=pk)
    try:
        workflow.transition(application=application, action=A.CLOSE, by=request.user)
    except PortalError as error:
        error.flash(request)
    else:
        messages.success(request, _("The case is closed as resolved."))
    return redirect("desk-case", pk=pk)


# --- the officers' side: routing and answers -------------------------------------------------------------


def _route_form(application: Application, data=None) -> RouteForm:
    # By name in the reader's language: that is how the lead looks for a unit.
    units = desk.routable_units(application.call.program).order_by("name_zh" if is_chinese() else "name_en")
    unstaffed = frozenset(unit.pk for unit in units if not selectors.has_officer(unit))
    return RouteForm(data, units=units, unstaffed=unstaffed)


def review_context(request, application: Application, *, route_form=None, answer_form=None) -> dict:
    """What an officer of the lead or of a routed unit sees of a case; bound forms carry their errors."""
    user = request.user
    today = selectors.today()
    tasks = list(selectors.desk_tasks(application))
    answer_task = next(
        (
            t
            for t in tasks
            if t.kind == TaskKind.DESK_ANSWER and t.state == TaskState.OPEN and permissions.can_answer_task(user, t)[0]
        ),
        None,
    )
    can_route = permissions.can_route_case(user, application)[0]
    return {
        "application": application,
        "facts": _facts(application),
        "tasks": [(t, left, -left) for t in tasks for left in [working_days_left(today, t.due_on)]],
        "can_read_notes": permissions.can_read_internal_notes(user, application)[0],
        "route_form": (route_form or _route_form(application)) if can_route else None,
        "answer_task": answer_task,
        "answer_form": (answer_form or AnswerForm()) if answer_task else None,
        "reopens": selectors.reopen_reasons(application),
        "is_lead": workflow.is_lead_officer(user, application),
        "thread": _thread(request, application),
    }


def _thread(request, application: Application) -> dict | None:
    if not permissions.can_view_thread(request.user, application)[0]:
        return None
    return thread_pages.thread_context(request, application)


def review_page(request, application: Application):
    """The review page of a case (views.review_page hands a channel's case here)."""
    return render(request, "reviews/desk_review.html", review_context(request, application))


@login_required
@require_POST
@requires(is_commission_staff)
def route(request, pk):
    application = selectors.get_case_for_user(request.user, pk)
    allowed, reason = permissions.can_route_case(request.user, application)
    if not allowed:
        messages.error(request, reason)
        return redirect("review-application", pk=pk)
    form = _route_form(application, request.POST)
    if form.is_valid():
        units = list(form.cleaned_data["units"])
        try:
            workflow.transition(application=application, action=A.ROUTE, by=request.user, units=units)
        except PortalError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request,
                _("Routed to %(units)s.") % {"units": ", ".join(localized(unit, "name") for unit in units)},
            )
            return redirect("review-application", pk=pk)
    context = review_context(request, application, route_form=form)
    return render(request, "reviews/desk_review.html", context)


@login_required
@require_POST
@requires(is_commission_staff)
def answer(request, pk):
    task = selectors.get_task_for_user(request.user, pk)
    application = selectors.get_case_for_user(request.user, task.application_id)
    allowed, reason = permissions.can_answer_task(request.user, task)
    if not allowed:
        messages.error(request, reason)
        return redirect("review-application", pk=application.pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_give(
                task=task,
                by=request.user,
                answer=form.cleaned_data["answer"],
                internal_note=form.cleaned_data["internal_note"],
            )
        except PortalError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request,
                _("The answer of %(unit)s is recorded.") % {"unit": localized(task.commission, "name")},
            )
            return redirect("review-application", pk=application.pk)
    context = review_context(request, application, answer_form=form)
    return render(request, "reviews/desk_review.html", context)

"""The officers' and experts' pages. Every read goes through reviews/selectors.py (and, for files,
applications/selectors.py), every write through a service or `workflow.transition`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications import workflow
from applications.facts import facts_for_display
from applications.models import CALL_BLOBS, State
from applications.selectors import get_application_for_user, visible_applications
from portal.accounts.guards import requires
from portal.accounts.predicates import is_commission_staff, is_expert
from portal.bilingual import localized
from portal.errors import PortalError
from reviews import checklist, desk_pages, permissions, selectors, services, thread_pages
from reviews.clock import working_days_left
from reviews.forms import (
    AssignForm,
    BudgetForm,
    DecisionForm,
    DeclarationForm,
    FormalCheckForm,
    OpinionForm,
    QueueFilter,
    ScoreForm,
    WaiveOpinionForm,
)
from reviews.models import AssignmentState, TaskKind, TaskState
from reviews.routing import budget_confirmed, missing_opinions, missing_scores

PAGE_SIZE = 25
A = workflow.Action
FORMAL_CHECK_STEPS = (A.START_FORMAL_CHECK, A.PASS_FORMAL_CHECK, A.RETURN_FOR_CORRECTION)
DECISION_STEPS = (A.SEND_TO_EXPERTS, A.APPROVE, A.REJECT)


@login_required
@require_GET
@requires(is_commission_staff)
def queue_page(request):
    # Only the relations the rows show: each join in the query costs planning time on every request
    # (10 ms with the commission and version joined too, 2 ms without; `make bench`).
    rows = (
        selectors.queue(request.user)
        .select_related(None)
        .select_related("application__organisation", "application__call__program", "assigned_to")
        .defer(
            "checklist",
            "application__draft_facts",
            *(f"application__call__{blob}" for blob in CALL_BLOBS),
        )
    )
    tasks = QueueFilter(request.GET or None, queryset=rows, user=request.user)
    page = Paginator(tasks.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = selectors.today()
    rows = []
    for task in page.object_list:
        left = working_days_left(today, task.due_on)
        rows.append((task, left, -left))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": tasks,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "colleagues": selectors.colleagues(request.user),
    }
    return render(request, "reviews/queue.html", context)


@login_required
@require_POST
@requires(is_commission_staff)
def queue_assign(request):
    form = AssignForm(request.POST, tasks=selectors.queue(request.user), colleagues=selectors.colleagues(request.user))
    if not form.is_valid():
        messages.error(request, _("Tick the tasks to assign."))
    else:
        try:
            count = services.tasks_assign(
                tasks=list(form.cleaned_data["tasks"]), assignee=form.cleaned_data["assignee"], by=request.user
            )
        except PortalError as error:
            error.flash(request)
        else:
            messages.success(request, _("%(n)s task(s) assigned.") % {"n": count})
    return redirect(request.POST.get("next") or "review-queue")


@login_required
@require_GET
@requires(is_commission_staff)
def review_page(request, pk):
    application = get_application_for_user(request.user, pk)
    if application.call.program.is_channel:
        return desk_pages.review_page(request, application)
    return render(request, "reviews/review.html", _review_context(request, application))


def _budget_figures(application) -> dict:
    """What the Finance Bureau confirms against: the call's budget, what the call's awards hold of it (their amounts
    less clawbacks, overturned ones holding nothing) and what is left, beside this application's estimate."""
    budget = application.call.budget
    held = application.call.awards.held()
    left = None if budget is None else budget - held
    estimate = application.estimated_amount
    return {
        "budget": budget,
        "held": held,
        "left": left,
        "estimate": estimate,
        "after": None if left is None or estimate is None else left - estimate,
    }


def _review_context(request, application, *, waive_form=None, waive_task_id=None) -> dict:
    """What the review page shows; `waive_form` is a bound form with errors for task `waive_task_id`."""
    user = request.user
    tasks = list(selectors.application_tasks(application))
    mine = [t for t in tasks if t.commission_id == user.commission_id and t.state == TaskState.OPEN]
    today = selectors.today()
    version = application.current_version
    context = {
        "application": application,
        "version": version,
        "facts": facts_for_display(application.track.fact_schema, version.facts),
        "tasks": [(t, working_days_left(today, t.due_on)) for t in tasks],
        "formal_task": next((t for t in mine if t.kind == TaskKind.FORMAL_CHECK), None),
        "opinion_task": next(
            (t for t in mine if t.kind == TaskKind.OPINION and permissions.can_give_opinion(user, t)[0]), None
        ),
        "budget_task": next(
            (t for t in mine if t.kind == TaskKind.BUDGET and permissions.can_confirm_budget(user, t)[0]), None
        ),
        "steps": {s.action for s in workflow.available_steps(user, application)},
        "can_decide": permissions.can_decide(user, application)[0],
        "is_lead": workflow.is_lead_officer(user, application),
        "decision": application.decisions.select_related("decided_by").first(),
        "award": application.awards.first(),
        "thread": thread_pages.thread_context(request, application)
        if permissions.can_view_thread(user, application)[0]
        else None,
    }
    if context["formal_task"] and application.state == State.FORMAL_CHECK:
        context["formal_form"] = FormalCheckForm(hints=checklist.hints(application))
    if context["opinion_task"]:
        context["opinion_form"] = OpinionForm()
    if context["budget_task"]:
        context["budget_form"] = BudgetForm()
        context["budget_figures"] = _budget_figures(application)
    if context["can_decide"]:
        context.update(
            decision_form=DecisionForm(is_grant=application.call.program.is_grant),
            waiting_opinions=missing_opinions(application),
            waiting_scores=missing_scores(application) if application.state == State.EXPERT_REVIEW else [],
            budget_ok=budget_confirmed(application),
        )
    if context["is_lead"]:
        # Co-reviewers nobody is registered to answer for: named, with the form to go ahead without them.
        context["unstaffed"] = [
            (
                task,
                (waive_form if task.pk == waive_task_id else WaiveOpinionForm(prefix=f"waive-{task.pk}"))
                if permissions.can_proceed_without_opinion(user, task)[0]
                else None,
            )
            for task in selectors.unstaffed_opinions(application)
        ]
    if application.call.uses_expert_review:
        context["scores"] = selectors.score_summary(application)
    return context


@login_required
@require_POST
@requires(is_commission_staff)
def formal_check(request, pk):
    application = get_application_for_user(request.user, pk)
    action = request.POST.get("action")
    if action not in FORMAL_CHECK_STEPS:
        raise Http404
    form = FormalCheckForm(request.POST)
    form.is_valid()
    try:
        workflow.transition(
            application=application,
            action=action,
            by=request.user,
            reason=form.cleaned_data.get("reason", ""),
            **({} if action == A.START_FORMAL_CHECK else {"checklist": form.checklist()}),
        )
    except PortalError as error:
        error.flash(request)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": workflow.label_of(action)})
    return redirect("review-application", pk=application.pk)


def _answer_task(request, pk, form_class, answer, done: str, invalid: str):
    """POST on one of the commission's tasks: validate the form, call the service, say what happened."""
    task = selectors.get_task_for_user(request.user, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, invalid)
    else:
        try:
            answer(task, form.cleaned_data)
        except PortalError as error:
            error.flash(request)
        else:
            messages.success(request, done % {"commission": localized(task.commission, "name")})
    return redirect("review-application", pk=task.application_id)


@login_required
@require_POST
@requires(is_commission_staff)
def opinion(request, pk):
    return _answer_task(
        request,
        pk,
        OpinionForm,
        lambda task, data: services.opinion_give(
            task=task, by=request.user, opinion=data["opinion"], reasons=data["reasons"]
        ),
        done=_("The opinion of %(commission)s is recorded."),
        invalid=_("Choose support or object."),
    )


@login_required
@require_POST
@requires(is_commission_staff)
def budget(request, pk):
    return _answer_task(
        request,
        pk,
        BudgetForm,
        lambda task, data: services.budget_confirm(
            task=task, by=request.user, confirmed=data["confirmed"], note=data["note"]
        ),
        done=_("The budget answer of %(commission)s is recorded."),
        invalid=_("Say whether the budget is confirmed."),
    )


@login_required
@require_POST
@requires(is_commission_staff)
def proceed_without(request, pk):
    """The lead goes ahead without the opinion of a commission that has nobody registered."""
    task = selectors.get_routed_task_for_user(request.user, pk)
    application = task.application
    allowed, reason = permissions.can_proceed_without_opinion(request.user, task)
    if not allowed:
        messages.error(request, reason)
        return redirect("review-application", pk=application.pk)
    form = WaiveOpinionForm(request.POST, prefix=f"waive-{task.pk}")
    if form.is_valid():
        try:
            services.opinion_waive(task=task, by=request.user, reason=form.cleaned_data["reason"])
        except PortalError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request,
                _("The decision proceeds without the opinion of %(commission)s.")
                % {"commission": localized(task.commission, "name")},
            )
            return redirect("review-application", pk=application.pk)
    # The reason is missing (or the task changed meanwhile): the page again, with the form's errors.
    context = _review_context(request, application, waive_form=form, waive_task_id=task.pk)
    return render(request, "reviews/review.html", context)


@login_required
@require_POST
@requires(is_commission_staff)
def decide(request, pk):
    application = get_application_for_user(request.user, pk)
    action = request.POST.get("action")
    if action not in DECISION_STEPS:
        raise Http404
    form = DecisionForm(request.POST, is_grant=application.call.program.is_grant)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("review-application", pk=application.pk)
    amount = form.cleaned_data.get("recommended_amount")
    payload = {"recommended_amount": amount} if action == A.APPROVE and amount is not None else {}
    try:
        workflow.transition(
            application=application, action=action, by=request.user, reason=form.cleaned_data["reason"], **payload
        )
    except PortalError as error:
        error.flash(request)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": workflow.label_of(action)})
    return redirect("review-application", pk=application.pk)


@login_required
@require_GET
@requires(is_commission_staff)
def ranking(request, call_id):
    applications = visible_applications(request.user).filter(call_id=call_id)
    first = applications.first()
    if first is None or not workflow.is_lead_officer(request.user, first):
        raise Http404
    rows = selectors.call_ranking(first.call).filter(pk__in=applications.values("pk"))
    return render(request, "reviews/ranking.html", {"call": first.call, "rows": rows})


# --- experts ---------------------------------------------------------------------------------------


@login_required
@require_GET
@requires(is_expert)
def expert_home(request):
    assignments = list(selectors.expert_assignments(request.user).order_by("due_on", "pk"))
    context = {
        "to_declare": [a for a in assignments if a.state == AssignmentState.AWAITING_DECLARATION],
        "to_score": [a for a in assignments if a.state == AssignmentState.OPEN],
        "done": [a for a in assignments if a.state not in (AssignmentState.AWAITING_DECLARATION, AssignmentState.OPEN)],
        "declaration_form": DeclarationForm(),
    }
    return render(request, "reviews/expert_home.html", context)


@login_required
@require_POST
@requires(is_expert)
def expert_declare(request, pk):
    assignment = selectors.get_assignment_for_user(request.user, pk)
    form = DeclarationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether you have a conflict of interest."))
        return redirect("expert-home")
    try:
        services.conflict_declare(
            assignment=assignment,
            by=request.user,
            has_conflict=form.cleaned_data["has_conflict"],
            note=form.cleaned_data["note"],
        )
    except PortalError as error:
        error.flash(request)
        return redirect("expert-home")
    if form.cleaned_data["has_conflict"]:
        messages.success(request, _("Recorded: you are excluded from this application."))
        return redirect("expert-home")
    return redirect("expert-assignment", pk=assignment.pk)


@login_required
@requires(is_expert)
def expert_assignment(request, pk):
    assignment = selectors.get_assignment_for_user(request.user, pk)
    if not permissions.can_view_expert_file(request.user, assignment)[0]:
        raise Http404
    application = get_application_for_user(request.user, assignment.application_id)
    rubric = application.call.rubric
    form = ScoreForm(request.POST or None, rubric=rubric)
    if request.method == "POST" and form.is_valid():
        try:
            services.score_submit(
                assignment=assignment, by=request.user, scores=form.scores(), comment=form.cleaned_data["comment"]
            )
        except PortalError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Your score is recorded. Thank you."))
            return redirect("expert-home")
    version = assignment.version
    context = {
        "assignment": assignment,
        "application": application,
        "version": version,
        "facts": facts_for_display(application.track.fact_schema, version.facts),
        "form": form if assignment.state == AssignmentState.OPEN else None,
    }
    return render(request, "reviews/expert_assignment.html", context)

"""The lead commission's side of projects: its queue (overdue first) and its answers on a project's page: the task
statement, progress reports, variations, the acceptance (alone or with a panel), its conditions, and the amount of
a failed project's clawback. Every answer goes through a service, which checks role and state again; a refusal is
flashed on the page the officer came from."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from awards.projects import acceptance, clawbacks, progress, selectors, statements, variations
from awards.projects.forms import (
    RETURN,
    AcceptanceDecisionForm,
    ClawbackAmendForm,
    PanelForm,
    ReasonForm,
    report_decision_form,
    statement_decision_form,
    variation_decision_form,
)
from awards.projects.models import ClawbackProposal
from awards.projects.pages import project_context, report_context
from portal.accounts.guards import requires
from portal.accounts.predicates import is_officer
from portal.errors import PortalError


@login_required
@require_GET
@requires(is_officer)
def queue_page(request):
    today = timezone.localdate()
    rows = [
        (project, item, overdue, item.left(today) if item and item.due_on else None)
        for project, item, overdue in selectors.officer_queue(request.user, today)
    ]
    return render(request, "projects/queue.html", {"rows": rows, "overdue": sum(1 for r in rows if r[2])})


def _done(request, text: str, pk: int):
    messages.success(request, text)
    return redirect("project-detail", pk=pk)


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@login_required
@require_POST
def statement_decide(request, pk):
    project = selectors.get_project_for_user(request.user, pk)
    form = statement_decision_form(request.POST, prefix="statement")
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "yes":
                statements.statement_accept(project=project, by=request.user)
                return _done(request, _("The task statement is accepted and frozen as version 1."), pk)
            statements.statement_return(project=project, by=request.user, reason=form.cleaned_data["reason"])
            return _done(request, _("The task statement is returned for correction."), pk)
        except PortalError as error:
            error.add_to_form(form)
    context = project_context(request, project, statement_form=form)
    return render(request, "projects/project.html", context)


@login_required
@require_POST
def report_decide(request, pk, report_id):
    project = selectors.get_project_for_user(request.user, pk)
    report = selectors.get_report_for_user(request.user, project, report_id)
    form = report_decision_form(request.POST, prefix="report")
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "yes":
                progress.report_accept(report=report, by=request.user)
                return _done(request, _("The progress report is accepted."), pk)
            progress.report_return(report=report, by=request.user, reason=form.cleaned_data["reason"])
            return _done(request, _("The progress report is returned for correction."), pk)
        except PortalError as error:
            error.add_to_form(form)
    return render(request, "projects/report.html", report_context(request, project, report, decision_form=form))


@login_required
@require_POST
def variation_decide(request, pk, variation_id):
    project = selectors.get_project_for_user(request.user, pk)
    variation = selectors.get_variation_for_user(request.user, project, variation_id)
    form = variation_decision_form(request.POST, prefix=f"variation-{variation.pk}")
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("project-detail", pk=pk)
    try:
        if form.cleaned_data["decision"] == "yes":
            variations.variation_approve(variation=variation, by=request.user, reason=form.cleaned_data["reason"])
            return _done(request, _("The variation is approved: the task statement has a new version."), pk)
        variations.variation_refuse(variation=variation, by=request.user, reason=form.cleaned_data["reason"])
        return _done(request, _("The variation is refused."), pk)
    except PortalError as error:
        error.flash(request)
    return redirect("project-detail", pk=pk)


@login_required
@require_POST
def panel_send(request, pk):
    project = selectors.get_project_for_user(request.user, pk)
    form = PanelForm(request.POST, prefix="panel")
    if form.is_valid():
        try:
            seats = acceptance.panel_send(project=project, by=request.user, experts=list(form.cleaned_data["experts"]))
        except PortalError as error:
            error.add_to_form(form)
        else:
            return _done(request, _("The acceptance is sent to %(n)s expert(s).") % {"n": len(seats)}, pk)
    return render(request, "projects/project.html", project_context(request, project, panel_form=form))


@login_required
@require_POST
def acceptance_decide(request, pk):
    project = selectors.get_project_for_user(request.user, pk)
    form = AcceptanceDecisionForm(request.POST, prefix="acceptance")
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["outcome"] == RETURN:
                acceptance.acceptance_return(project=project, by=request.user, reason=data["reasons"])
                return _done(request, _("The application for acceptance is returned for completion."), pk)
            acceptance.acceptance_decide(
                project=project,
                by=request.user,
                outcome=data["outcome"],
                reasons=data["reasons"],
                conditions=data["conditions"],
                fraud=data["fraud"],
            )
        except PortalError as error:
            errors = {("reasons" if field == "reason" else field): texts for field, texts in error.errors.items()}
            PortalError(error.code, errors=errors).add_to_form(form)
        else:
            return _done(request, _("The acceptance is decided."), pk)
    return render(request, "projects/project.html", project_context(request, project, acceptance_form=form))


@login_required
@require_POST
def conditions_confirm(request, pk):
    project = selectors.get_project_for_user(request.user, pk)
    form = ReasonForm(request.POST, prefix="conditions")
    if form.is_valid():
        try:
            acceptance.conditions_confirm(project=project, by=request.user, reason=form.cleaned_data["reason"])
        except PortalError as error:
            error.add_to_form(form)
        else:
            return _done(request, _("The conditions are confirmed as met: the last instalment can be paid."), pk)
    return render(request, "projects/project.html", project_context(request, project, conditions_form=form))


@login_required
@require_POST
def clawback_amend(request, pk):
    project = selectors.get_project_for_user(request.user, pk)
    proposal = ClawbackProposal.objects.filter(project=project).first()
    form = ClawbackAmendForm(request.POST, prefix="clawback")
    if proposal is None:
        messages.error(request, _("This project has no clawback proposal."))
        return redirect("project-detail", pk=pk)
    if form.is_valid():
        try:
            clawbacks.proposal_amend(
                proposal=proposal,
                by=request.user,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
            )
        except PortalError as error:
            error.add_to_form(form)
        else:
            return _done(request, _("The clawback proposal is amended."), pk)
    return render(request, "projects/project.html", project_context(request, project, clawback_form=form))

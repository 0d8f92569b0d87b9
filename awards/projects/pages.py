"""The project pages everyone who may see a project shares, and the enterprise's own: My projects, the project,
its task statement (draft, submit, frozen versions), its progress reports, variations and the application for
acceptance, and its documents. Reads through selectors.py, writes through the services; the commission's,
the Finance Bureau's and the experts' pages are review_pages.py, finance_pages.py and expert_pages.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from awards.projects import acceptance, agenda, documents, instalments, permissions, progress, selectors
from awards.projects import statements as statement_services
from awards.projects import variations as variation_services
from awards.projects.forms import (
    AcceptanceDecisionForm,
    AcceptanceDocumentForm,
    AcceptanceForm,
    ClawbackAmendForm,
    PanelForm,
    ReasonForm,
    ReportForm,
    StatementForm,
    UploadForm,
    VariationForm,
    report_decision_form,
    statement_decision_form,
    variation_decision_form,
)
from awards.projects.lifecycle import ProjectAction, is_applicant
from awards.projects.models import ClawbackProposal, ProjectState, Variation, VariationState
from awards.projects.progress import indicators_of
from portal.accounts.guards import requires
from portal.accounts.predicates import may_apply
from portal.errors import PortalError
from reviews import threads
from reviews.clock import working_days_left
from reviews.permissions import can_view_thread
from reviews.thread_pages import side_of

SUBMIT = "submit"  # the statement page's second button: save and submit


@login_required
@require_GET
@requires(may_apply)  # an organisation's page: 404 to other roles
def my_projects(request):
    today = timezone.localdate()
    rows = [
        (project, item, item.left(today) if item and item.due_on else None)
        for project, item in selectors.my_projects(request.user)
    ]
    return render(request, "projects/my_projects.html", {"rows": rows, "today": today})


def _content(project) -> dict:
    return project.version.content if project.version_id else project.statement


def _instalment_rows(project, today):
    rows = []
    for instalment in project.instalments.select_related("payment").order_by("number"):
        instalment.project = project
        rows.append(
            (instalment, instalments.condition_text(instalment), instalments.why_not_payable(instalment, today))
        )
    return rows


def _thread_summary(user, application) -> dict | None:
    if not can_view_thread(user, application)[0]:
        return None
    messages = threads.thread_messages(user, application)
    return {
        "application": application,
        "count": messages.count(),
        "open_requests": threads.open_requests(application).count(),
        "link": threads.thread_page_link(application, side_of(user, application)),
    }


def project_context(request, project, **forms) -> dict:
    """What the project page shows; `forms` are bound forms with errors to show instead of fresh ones."""
    user, today = request.user, timezone.localdate()
    project = selectors.with_agenda(type(project).objects.filter(pk=project.pk)).select_related(
        *selectors.LIST_RELATED, "program__lead", "version", "award__letter"
    )[0]
    internal = not is_applicant(user, project)
    current = acceptance.current(project)
    proposal = ClawbackProposal.objects.filter(project=project).first()
    open_variations = [v for v in project.variations.all() if v.state == VariationState.REQUESTED]
    late = set(instalments.overdue_reports(project, today))
    context = {
        "project": project,
        "content": _content(project),
        "internal": internal,
        "agenda": [(item, item.left(today) if item.due_on else None) for item in agenda.agenda(project)],
        "reports": [(r, r in late) for r in project.reports.order_by("number")],
        "commission": agenda.COMMISSION,
        "instalments": _instalment_rows(project, today),
        "variations": list(Variation.objects.filter(project=project).select_related("requested_by")),
        "versions": list(project.versions.order_by("number")),
        "acceptance": current,
        "proposal": proposal,
        "reminders": [r for r in project.reminders.all() if internal or not r.to_officers],
        "history": selectors.project_history(project, internal=internal),
        "can_edit_statement": permissions.can_edit_statement(user, project)[0],
        "can_request_variation": permissions.can_request_variation(user, project)[0],
        "can_prepare_acceptance": permissions.can_prepare_acceptance(user, project)[0],
        # The application's thread goes on with the project (its lead commission holds the review's tasks).
        "thread": _thread_summary(user, project.application),
    }
    if permissions.can_decide_statement(user, project)[0]:
        context["statement_form"] = forms.get("statement_form") or statement_decision_form(prefix="statement")
    context["variation_forms"] = [
        (v, variation_decision_form(prefix=f"variation-{v.pk}"))
        for v in open_variations
        if permissions.can_decide_variation(user, v)[0]
    ]
    if current is not None and internal:
        context["panel"] = acceptance.panel_summary(current)
    if permissions.can_send_to_panel(user, project)[0]:
        context["panel_form"] = forms.get("panel_form") or PanelForm(prefix="panel")
    if permissions.can_decide_acceptance(user, project)[0]:
        context["acceptance_form"] = forms.get("acceptance_form") or AcceptanceDecisionForm(prefix="acceptance")
    if permissions.can_confirm_conditions(user, project)[0]:
        context["conditions_form"] = forms.get("conditions_form") or ReasonForm(prefix="conditions")
    if proposal is not None and permissions.can_amend_clawback(user, proposal)[0]:
        context["clawback_form"] = forms.get("clawback_form") or ClawbackAmendForm(
            prefix="clawback", initial={"amount": proposal.amount}
        )
    return context


@login_required
@require_GET
def project_page(request, pk):
    project = selectors.get_project_for_user(request.user, pk)
    return render(request, "projects/project.html", project_context(request, project))


@login_required
@require_GET
def version_page(request, pk, number):
    project = selectors.get_project_for_user(request.user, pk)
    version = project.versions.filter(number=number).select_related("accepted_by", "variation").first()
    if version is None:
        raise Http404
    return render(
        request, "projects/version.html", {"project": project, "version": version, "content": version.content}
    )


@login_required
@require_http_methods(["GET", "POST"])
def statement_page(request, pk):
    project = selectors.get_project_for_user(request.user, pk)
    allowed, reason = permissions.can_edit_statement(request.user, project)
    if not allowed:
        messages.error(request, reason)
        return redirect("project-detail", pk=pk)
    form = StatementForm(request.POST or None, content=project.statement)
    problems: dict = {}
    if request.method == "POST" and form.is_valid():
        try:
            project = statement_services.statement_save(project=project, by=request.user, content=form.content())
            if request.POST.get("intent") != SUBMIT:
                messages.success(request, _("Draft saved."))
                return redirect("project-statement", pk=pk)
            statement_services.statement_submit(project=project, by=request.user)
        except PortalError as error:
            problems = {k: v for k, v in error.errors.items() if k not in form.fields}
            for field, texts in error.errors.items():
                if field in form.fields:
                    for text in texts:
                        form.add_error(field, text)
            form = form if form.errors else StatementForm(content=project.statement)
        else:
            messages.success(request, _("The task statement is submitted to the lead commission."))
            return redirect("project-detail", pk=pk)
    context = {
        "project": project,
        "form": form,
        "problems": problems,
        "instalments": _instalment_rows(project, timezone.localdate()),
        "returned": selectors.project_history(project, internal=False)
        .filter(action=ProjectAction.STATEMENT_RETURNED)
        .last()
        if project.state == ProjectState.STATEMENT_RETURNED
        else None,
    }
    return render(request, "projects/statement.html", context)


def report_context(request, project, report, *, form=None, decision_form=None, upload_form=None) -> dict:
    user = request.user
    can_file = permissions.can_file_report(user, report)[0]
    can_decide = permissions.can_decide_report(user, report)[0]
    return {
        "project": project,
        "report": report,
        "indicators": indicators_of(project),
        "documents": list(report.documents.all()),
        "can_file": can_file,
        "form": form
        or (
            ReportForm(
                indicators=indicators_of(project), initial_values=report.values, initial={"narrative": report.narrative}
            )
            if can_file
            else None
        ),
        "upload_form": upload_form or (UploadForm() if can_file else None),
        "decision_form": decision_form or (report_decision_form(prefix="report") if can_decide else None),
        "left": working_days_left(timezone.localdate(), report.due_on),
    }


@login_required
@require_http_methods(["GET", "POST"])
def report_page(request, pk, report_id):
    project = selectors.get_project_for_user(request.user, pk)
    report = selectors.get_report_for_user(request.user, project, report_id)
    form = None
    if request.method == "POST":
        allowed, reason = permissions.can_file_report(request.user, report)
        if not allowed:
            messages.error(request, reason)
            return redirect("project-report", pk=pk, report_id=report.pk)
        form = ReportForm(request.POST, indicators=indicators_of(project))
        if form.is_valid():
            try:
                progress.report_file(
                    report=report, by=request.user, values=form.values(), narrative=form.cleaned_data["narrative"]
                )
            except PortalError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("The progress report is filed with the lead commission."))
                return redirect("project-detail", pk=pk)
    return render(request, "projects/report.html", report_context(request, project, report, form=form))


@login_required
@require_POST
def report_evidence(request, pk, report_id):
    project = selectors.get_project_for_user(request.user, pk)
    report = selectors.get_report_for_user(request.user, project, report_id)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            documents.evidence_add(report=report, upload=form.cleaned_data["file"], by=request.user)
        except PortalError as error:
            error.flash(request)
        else:
            messages.success(request, _("Document attached."))
    else:
        messages.error(request, _("Choose a file to attach."))
    return redirect("project-report", pk=pk, report_id=report.pk)


@login_required
@require_http_methods(["GET", "POST"])
def variation_page(request, pk):
    project = selectors.get_project_for_user(request.user, pk)
    allowed, reason = permissions.can_request_variation(request.user, project)
    if not allowed:
        messages.error(request, reason)
        return redirect("project-detail", pk=pk)
    content = _content(project)
    form = VariationForm(request.POST or None, content=content)
    if request.method == "POST" and form.is_valid():
        try:
            variation_services.variation_request(
                project=project,
                by=request.user,
                kind=form.cleaned_data["kind"],
                change=form.change(),
                grounds=form.cleaned_data["grounds"],
            )
        except PortalError as error:
            errors = {("grounds" if field == "reason" else field): texts for field, texts in error.errors.items()}
            PortalError(error.code, errors=errors).add_to_form(form)
        else:
            messages.success(request, _("The variation is asked for; the lead commission answers it."))
            return redirect("project-detail", pk=pk)
    return render(request, "projects/variation.html", {"project": project, "form": form, "content": content})


@login_required
@require_http_methods(["GET", "POST"])
def acceptance_page(request, pk):
    project = selectors.get_project_for_user(request.user, pk)
    user = request.user
    form = None
    if request.method == "POST":
        allowed, reason = permissions.can_apply_for_acceptance(user, project)
        if not allowed:
            messages.error(request, reason)
            return redirect("project-acceptance", pk=pk)
        form = AcceptanceForm(request.POST, indicators=indicators_of(project))
        if form.is_valid():
            try:
                acceptance.acceptance_apply(
                    project=project,
                    by=user,
                    summary=form.cleaned_data["summary"],
                    audited_spending=form.cleaned_data["audited_spending"],
                    achieved=form.achieved(),
                )
            except PortalError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("Acceptance is applied for; the lead commission decides."))
                return redirect("project-detail", pk=pk)
    can_prepare = permissions.can_prepare_acceptance(user, project)[0]
    context = {
        "project": project,
        "indicators": indicators_of(project),
        "acceptance": acceptance.current(project),
        "acceptances": list(project.acceptances.prefetch_related("documents").order_by("-number")),
        "drafts": list(documents.draft_acceptance_documents(project)),
        "can_prepare": can_prepare,
        "apply_allowed": permissions.can_apply_for_acceptance(user, project),
        "form": form or (AcceptanceForm(indicators=indicators_of(project)) if can_prepare else None),
        "upload_form": AcceptanceDocumentForm() if can_prepare else None,
    }
    return render(request, "projects/acceptance.html", context)


@login_required
@require_POST
def acceptance_document(request, pk):
    project = selectors.get_project_for_user(request.user, pk)
    form = AcceptanceDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            documents.acceptance_document_add(
                project=project, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"], by=request.user
            )
        except PortalError as error:
            error.flash(request)
        else:
            messages.success(request, _("Document attached."))
    else:
        messages.error(request, _("Choose the document and its file."))
    return redirect("project-acceptance", pk=pk)


@login_required
@require_GET
def document_download(request, document_id):
    document = selectors.get_document_for_user(request.user, document_id)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )

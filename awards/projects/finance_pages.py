"""The Finance Bureau's side of projects: the instalments still to pay, each with whether its condition holds and
why not, the payment of one, and the repayments of failed projects to record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from awards.projects import clawbacks, instalments, selectors
from awards.projects.forms import PayForm
from portal.accounts.guards import requires
from portal.accounts.predicates import is_budget_confirmer
from portal.amounts import yuan
from portal.errors import PortalError

PAGE_LIMIT = 200


@login_required
@require_GET
@requires(is_budget_confirmer)
def instalments_page(request):
    today = timezone.localdate()
    rows = [
        (instalment, instalments.condition_text(instalment), instalments.why_not_payable(instalment, today))
        for instalment in selectors.due_instalments(request.user)[:PAGE_LIMIT]
    ]
    # What can be paid today first, then what waits, each in the order the projects opened.
    rows.sort(key=lambda row: row[2] is not None)
    context = {"rows": rows, "form": PayForm(), "proposals": list(selectors.open_proposals(request.user))}
    return render(request, "projects/instalments.html", context)


@login_required
@require_POST
@requires(is_budget_confirmer)
def instalment_pay(request, pk):
    instalment = selectors.get_instalment_for_user(request.user, pk)
    form = PayForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("finance-instalments")
    try:
        payment = instalments.instalment_pay(
            instalment=instalment,
            by=request.user,
            paid_on=form.cleaned_data["paid_on"],
            reference=form.cleaned_data["reference"],
        )
    except PortalError as error:
        for message in error.messages():
            messages.error(
                request,
                _("Instalment %(n)s of %(receipt)s was not paid: %(reason)s")
                % {"n": instalment.number, "receipt": instalment.project.application.receipt_number, "reason": message},
            )
    else:
        messages.success(
            request,
            _("Paid: %(amount)s yuan, instalment %(n)s of %(receipt)s.")
            % {
                "amount": yuan(payment.amount),
                "n": instalment.number,
                "receipt": instalment.project.application.receipt_number,
            },
        )
    return redirect("finance-instalments")


@login_required
@require_POST
@requires(is_budget_confirmer)
def repayment_record(request, pk):
    proposal = selectors.get_proposal_for_user(request.user, pk)
    try:
        clawbacks.repayment_record(proposal=proposal, by=request.user)
    except PortalError as error:
        error.flash(request)
    else:
        messages.success(
            request, _("The repayment of %(amount)s yuan is recorded.") % {"amount": yuan(proposal.amount)}
        )
    return redirect("finance-instalments")

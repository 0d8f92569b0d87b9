"""Pages of the award pipeline: the public notice and objections, the lead commission's call page,
the Finance Bureau's payments, and letter downloads. (The estimate page is `views.py`.)"""

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.exceptions import Throttled

from awards import money, notice, selectors
from awards.forms import (
    ClawbackForm,
    DismissObjectionsForm,
    ObjectionForm,
    PaymentForm,
    PublishNoticeForm,
    ResolveObjectionForm,
)
from awards.models import AwardState, ObjectionState
from awards.throttles import ObjectionAddressThrottle, ObjectionIdentityThrottle
from portal.accounts.guards import requires
from portal.accounts.predicates import is_finance
from portal.errors import PortalError


@require_GET
def notices_page(request):
    context = {"awards": selectors.public_notices(), "entries": selectors.public_notice_entries()}
    return render(request, "awards/notices.html", context)


def throttle_objection(throttle, request) -> None:
    """Count this request against the throttle; raise Throttled, with the refusal to show, past its rate."""
    if throttle.allow_request(request, None):
        return
    wait = throttle.wait() or 60
    if isinstance(throttle, ObjectionIdentityThrottle):
        text = _("Too many objections were filed with this identity number. Please try again in %(n)s minute(s).")
    else:
        text = _("Too many objections were sent from your address. Please try again in %(n)s minute(s).")
    raise Throttled(wait=wait, detail=text % {"n": max(1, math.ceil(wait / 60))})


@require_http_methods(["GET", "POST"])
def objection_page(request, pk):
    award = selectors.get_public_award(pk)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST":
        try:
            throttle_objection(ObjectionAddressThrottle(), request)  # every attempt counts, valid or not
            if form.is_valid():
                data = {k: v for k, v in form.cleaned_data.items() if k != "signed"}
                identity = notice.objector_identity(id_number=data["id_number"], organisation=data["organisation"])
                throttle_objection(ObjectionIdentityThrottle(identity), request)
                notice.objection_file(award=award, **data)
                return render(request, "awards/objection_received.html", {"award": award})
        except Throttled as refusal:
            form.add_error(None, str(refusal.detail))
            response = render(request, "awards/objection.html", {"award": award, "form": form}, status=429)
            response["Retry-After"] = str(math.ceil(refusal.wait))
            return response
        except PortalError as error:
            error.add_to_form(form)
    return render(request, "awards/objection.html", {"award": award, "form": form})


@login_required
@require_GET
def call_awards_page(request, call_id):
    awards = list(selectors.lead_call_awards(request.user, call_id))
    if not awards:
        raise Http404
    objections = selectors.lead_call_objections(request.user, call_id).filter(state=ObjectionState.OPEN)
    context = {
        "call": awards[0].call,
        "awards": awards,
        "objections": objections,
        "resolve_form": ResolveObjectionForm(),
        "dismiss_form": DismissObjectionsForm(objections=objections, auto_id="dismiss_%s"),  # ids unique on the page
        "can_publish": any(a.state == AwardState.COMPUTED for a in awards),
        "publish_form": PublishNoticeForm(),
    }
    return render(request, "awards/call_awards.html", context)


@login_required
@require_POST
def publish_notice(request, call_id):
    awards = selectors.lead_call_awards(request.user, call_id)
    first = awards.first()
    if first is None:
        raise Http404
    if not PublishNoticeForm(request.POST).is_valid():
        messages.error(request, _("Nothing is published: tick the box to confirm that the awards may go on notice."))
        return redirect("call-awards", call_id=call_id)
    try:
        published = notice.notice_publish(call=first.call, by=request.user)
    except PortalError as error:
        error.flash(request)
    else:
        messages.success(request, _("%(n)s award(s) are on public notice.") % {"n": len(published)})
    return redirect("call-awards", call_id=call_id)


@login_required
@require_POST
def resolve_objection(request, pk):
    objection = selectors.lead_objection(request.user, pk)
    form = ResolveObjectionForm(request.POST)
    if form.is_valid():
        try:
            notice.objection_resolve(
                objection=objection,
                by=request.user,
                upheld=form.cleaned_data["upheld"],
                resolution=form.cleaned_data["resolution"],
            )
        except PortalError as error:
            error.flash(request)
        else:
            messages.success(request, _("The objection is resolved."))
    else:
        messages.error(request, _("Choose the outcome and say how it was resolved."))
    return redirect("call-awards", call_id=objection.award.call_id)


@login_required
@require_POST
def dismiss_objections(request, call_id):
    """The selected objections of the call, dismissed with one resolution."""
    if not selectors.lead_call_awards(request.user, call_id).exists():
        raise Http404
    objections = selectors.lead_call_objections(request.user, call_id)
    form = DismissObjectionsForm(request.POST, objections=objections)
    if not form.is_valid():
        if any(e.code in ("invalid_choice", "invalid_pk_value") for e in form.errors.as_data().get("objections", [])):
            raise Http404  # an objection of another call or commission: not this officer's to see
        messages.error(request, _("Select the objections to dismiss and say why they are dismissed."))
        return redirect("call-awards", call_id=call_id)
    try:
        dismissed = notice.objections_dismiss(
            objections=list(form.cleaned_data["objections"]),
            by=request.user,
            resolution=form.cleaned_data["resolution"],
        )
    except PortalError as error:
        error.flash(request)
    else:
        messages.success(request, _("%(n)s objection(s) dismissed.") % {"n": len(dismissed)})
    return redirect("call-awards", call_id=call_id)


@login_required
@require_GET
@requires(is_finance)
def finance_page(request):
    awards = selectors.finance_awards(request.user).filter(state__in=[*money.PAYABLE, AwardState.CLAWED_BACK])
    return render(request, "awards/finance.html", {"awards": awards[:200]})


@login_required
@require_http_methods(["GET", "POST"])
def finance_award_page(request, pk):
    award = selectors.finance_awards(request.user).filter(pk=pk).first()
    if award is None:
        raise Http404
    payment_form = PaymentForm(request.POST if request.POST.get("form") == "payment" else None)
    clawback_form = ClawbackForm(request.POST if request.POST.get("form") == "clawback" else None)
    if request.method == "POST":
        form = payment_form if request.POST.get("form") == "payment" else clawback_form
        if form.is_valid():
            try:
                if form is payment_form:
                    money.payment_record(award=award, by=request.user, **form.cleaned_data)
                else:
                    money.clawback_record(award=award, by=request.user, **form.cleaned_data)
            except PortalError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("Recorded."))
                return redirect("finance-award", pk=award.pk)
    context = {
        "award": award,
        "payments": award.payments.all(),
        "clawbacks": award.clawbacks.all(),
        "payment_form": payment_form,
        "clawback_form": clawback_form,
        # A rule of an app above may say the award is paid otherwise (a project's instalments): shown, not offered.
        "payment_refusal": money.payment_refusal(award),
    }
    return render(request, "awards/finance_award.html", context)


@login_required
@require_GET
def letter_download(request, pk):
    letter = selectors.get_letter_for_user(request.user, pk)
    return FileResponse(letter.pdf.open("rb"), as_attachment=True, filename=f"{letter.reference}.pdf")

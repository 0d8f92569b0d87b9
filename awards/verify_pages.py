"""The public verification page of a letter or certificate (issue 17): what it states, whether it is in force,
and the check of an uploaded copy. No sign-in; every lookup is throttled per client address."""

import math

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import Throttled

from awards import verification
from awards.forms import VerifyUploadForm
from awards.throttles import VerifyThrottle
from portal.errors import PortalError


def throttle_lookup(request) -> None:
    """Count this lookup (a known token or not, a page or the API); raise Throttled past the rate."""
    throttle = VerifyThrottle()
    if not throttle.allow_request(request, None):
        raise Throttled(wait=throttle.wait() or 60)


def _throttled(request, refusal: Throttled):
    minutes = max(1, math.ceil((refusal.wait or 60) / 60))
    response = render(request, "awards/verify_throttled.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(math.ceil(refusal.wait or 60))
    return response


@require_http_methods(["GET", "POST"])
def verify_page(request, token):
    try:
        throttle_lookup(request)  # before the lookup: unknown tokens count as much as known ones
    except Throttled as refusal:
        return _throttled(request, refusal)
    letter = verification.letter_by_token(token)
    # Bound on every POST: a POST without a file is told so, not shown the empty form again.
    form = VerifyUploadForm(request.POST, request.FILES) if request.method == "POST" else VerifyUploadForm()
    check = None
    if request.method == "POST" and form.is_valid():
        try:
            check = verification.pdf_check(letter=letter, upload=form.cleaned_data["file"])
        except PortalError as error:
            error.add_to_form(form)
    context = {
        "letter": letter,
        "c": letter.content,
        "standing": verification.standing(letter),
        "form": form,
        "check": check,
        "signer": verification.signer_name(check.seal) if check else "",
        "title": _("Verification of %(reference)s") % {"reference": letter.reference},
    }
    return render(request, "awards/verify.html", context)

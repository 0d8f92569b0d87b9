"""`@requires(check)`, the one guard of the pages: a visitor goes to the login page, a refused person gets 404
(or 403 with the reason), an allowed one the page. The pages' own answers are the access matrix's."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from portal.accounts.guards import requires
from portal.accounts.predicates import is_applicant
from portal.errors import refuse
from tests.factories import UserFactory, expert


def page(request):
    return HttpResponse("the page")


def only_applicants(user):
    """A can_* function of the user alone, refusing with a reason."""
    if is_applicant(user):
        return True, ""
    return refuse("not_applicant", "Only applicants.")


def get(user):
    request = RequestFactory().get("/somewhere/?q=1")
    request.user = user
    return request


def test_a_visitor_is_sent_to_the_login_page_with_the_way_back():
    response = requires(is_applicant)(page)(get(AnonymousUser()))
    assert (response.status_code, response.url) == (302, "/accounts/login/?next=/somewhere/%3Fq%3D1")


@pytest.mark.parametrize("check", [is_applicant, only_applicants], ids=["predicate", "can function"])
def test_an_allowed_person_gets_the_page_and_a_refused_one_404(check, db):
    assert requires(check)(page)(get(UserFactory())).content == b"the page"
    with pytest.raises(Http404):
        requires(check)(page)(get(expert()))


def test_otherwise_403_says_why(db):
    with pytest.raises(PermissionDenied) as refused:
        requires(only_applicants, otherwise=403)(page)(get(expert()))
    assert str(refused.value) == "Only applicants."
    # A predicate has no reason to give: the 403 is bare.
    with pytest.raises(PermissionDenied) as refused:
        requires(is_applicant, otherwise=403)(page)(get(expert()))
    assert str(refused.value) == ""


def test_a_refusal_answers_404_or_403_only():
    with pytest.raises(ValueError, match="403 or 404"):
        requires(is_applicant, otherwise=302)


def test_the_guarded_view_keeps_its_name():
    assert requires(is_applicant)(page).__name__ == "page"

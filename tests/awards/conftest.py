"""Approved applications for the award tests."""

import pytest

from applications import filing
from applications.models import Application, State
from reviews.models import Decision
from tests import journeys
from tests.applications.conftest import make_draft
from tests.factories import OrganisationFactory, member
from tests.reviews.conftest import bio24_call


def approved_directly(call, by, *, rd_spending: str, product_key: str, n: int = 1) -> list[Application]:
    """Submitted applications marked approved with a Decision row, without walking every review step:
    for tests about what happens after the decision (the review itself is tested in tests/reviews)."""
    applications = []
    for i in range(n):
        facts = {
            "rd_spending": rd_spending,
            "drug_category": "chemical",
            "product_key": f"{product_key}-{i}",
            "milestone_date": "2025-03-01",
        }
        application = filing.application_submit(application=make_draft(call, by, facts=facts, title=f"Drug {i}"), by=by)
        Application.objects.filter(pk=application.pk).update(state=State.APPROVED)
        Decision.objects.create(
            application=application,
            version=application.current_version,
            outcome="approved",
            decided_by=journeys.lead(application),
        )
        applications.append(application)
    return applications


@pytest.fixture
def applicant(db):
    return member(OrganisationFactory(name="Zhangjiang Demo Biotech"), admin=True, username="alice")


@pytest.fixture
def drug_call(catalogue):
    return bio24_call()

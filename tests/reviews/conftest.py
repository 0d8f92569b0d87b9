"""Personas and calls of the review tests. Applicants (alice, bob, charlie) come from tests/conftest.py."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applications import filing
from applications.models import Program
from applications.services import call_create, policy_confirm_amounts
from reviews import services
from tests.applications.conftest import make_draft
from tests.factories import administrator, expert
from tests.journeys import staff

RUBRIC = [
    {"code": "innovation", "label_en": "Innovation", "label_zh": "创新性", "weight": 60},
    {"code": "feasibility", "label_en": "Feasibility", "label_zh": "可行性", "weight": 40},
]


def bio24_call(*, uses_expert_review=False, **terms):
    policy_confirm_amounts(policy_code="SH-GOV-OFFICE-2024-9")
    now = timezone.now()
    return call_create(
        program=Program.objects.get(code="BIO24-DRUG-INNOVATIVE"),
        year=now.year,
        title_en="Innovative drugs (review)",
        title_zh="创新药（评审）",
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=25),
        budget=500_000_000,
        uses_expert_review=uses_expert_review,
        rubric=RUBRIC if uses_expert_review else None,
        milestone_windows={"*": {"from": "2024-06-01", "to": "2026-12-31"}},
        **terms,
    )


@pytest.fixture
def review_call(catalogue):
    """A BIO24-DRUG-INNOVATIVE call without expert review and without a per-applicant limit."""
    return bio24_call()


@pytest.fixture
def expert_call(catalogue):
    return bio24_call(uses_expert_review=True)


@pytest.fixture
def lead_officer(catalogue):
    return staff("STCSM")


@pytest.fixture
def smpa_officer(catalogue):
    return staff("SMPA")


@pytest.fixture
def finance(catalogue):
    return staff("FIN")


@pytest.fixture
def admin_user(db):
    return administrator(username="admin-ops")


@pytest.fixture
def dr_wang(expert_call, admin_user):
    """An independent expert invited to the expert call."""
    person = expert(username="dr-wang")
    services.expert_invite(call=expert_call, expert=person, by=admin_user)
    return person


def submit(call, by, **kwargs):
    return filing.application_submit(application=make_draft(call, by, **kwargs), by=by)

"""Variations: the enterprise asks to extend a milestone, change the project lead or change an indicator; the lead
approves (a new version of the task statement) or refuses with a reason."""

from datetime import date, timedelta

import pytest

from awards.projects import variations
from awards.projects.models import Project, VariationKind, VariationState
from portal.errors import ErrorCode, PortalError
from tests.projects.builders import lead


def refused(code, call, **kwargs):
    with pytest.raises(PortalError) as error:
        call(**kwargs)
    assert error.value.code == code, error.value.errors
    return error.value


def test_an_extended_milestone_makes_version_two_and_moves_its_report(running, alice):
    report = running.reports.get(key="m1")
    next_one = running.reports.get(key="m2").due_on
    later = (report.due_on + timedelta(days=20)).isoformat()
    refused(
        ErrorCode.REQUIRED,
        variations.variation_request,
        project=running,
        by=alice,
        kind=VariationKind.EXTEND_MILESTONE,
        change={"milestone": "m1", "due_on": later},
        grounds="",
    )
    error = refused(
        ErrorCode.INVALID,
        variations.variation_request,
        project=running,
        by=alice,
        kind=VariationKind.EXTEND_MILESTONE,
        change={"milestone": "m1", "due_on": next_one.isoformat()},
        grounds="Slow enrolment.",
    )
    assert "before the next one" in str(error)
    variation = variations.variation_request(
        project=running,
        by=alice,
        kind=VariationKind.EXTEND_MILESTONE,
        change={"milestone": "m1", "due_on": later},
        grounds="Enrolment is slower than planned.",
    )
    assert (
        variation.state == VariationState.REQUESTED
        and variation.change["was"] == running.version.content["milestones"][0]["due_on"]
    )
    # One at a time.
    refused(
        ErrorCode.NOT_ALLOWED,
        variations.variation_request,
        project=running,
        by=alice,
        kind=VariationKind.CHANGE_LEAD,
        change={"name": "X"},
        grounds="y",
    )
    refused(ErrorCode.NOT_ALLOWED, variations.variation_approve, variation=variation, by=alice)
    variations.variation_approve(variation=variation, by=lead(running))
    project = Project.objects.get(pk=running.pk)
    assert project.version.number == 2 and project.version.variation == variation
    assert project.version.content["milestones"][0]["due_on"] == later
    assert project.versions.get(number=1).content["milestones"][0]["due_on"] != later  # version 1 stays as it was
    assert project.reports.get(key="m1").due_on >= date.fromisoformat(later)


def test_a_new_lead_and_a_changed_indicator(running, alice):
    variation = variations.variation_request(
        project=running, by=alice, kind=VariationKind.CHANGE_LEAD, change={"name": "Dr Zhou"}, grounds="Dr Li left."
    )
    variations.variation_approve(variation=variation, by=lead(running), reason="Qualified.")
    variation = variations.variation_request(
        project=running,
        by=alice,
        kind=VariationKind.CHANGE_INDICATOR,
        change={"indicator": "i1", "name": "Patients enrolled", "unit": "patients", "target": "100"},
        grounds="The protocol was amended.",
    )
    variations.variation_approve(variation=variation, by=lead(running))
    content = Project.objects.get(pk=running.pk).version.content
    assert content["lead"]["name"] == "Dr Zhou" and content["indicators"][0]["target"] == "100"


def test_a_refusal_keeps_the_statement_and_gives_its_reason(running, alice):
    variation = variations.variation_request(
        project=running, by=alice, kind=VariationKind.CHANGE_LEAD, change={"name": "Dr Zhou"}, grounds="Dr Li left."
    )
    refused(ErrorCode.REQUIRED, variations.variation_refuse, variation=variation, by=lead(running), reason="")
    variations.variation_refuse(variation=variation, by=lead(running), reason="Dr Zhou is not qualified.")
    variation.refresh_from_db()
    assert (variation.state, variation.decision_reason) == (VariationState.REFUSED, "Dr Zhou is not qualified.")
    assert Project.objects.get(pk=running.pk).version.number == 1

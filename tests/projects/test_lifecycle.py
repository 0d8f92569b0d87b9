"""One table, one writer: a step is allowed only from its state, by its role, with its reason where one is owed,
and every step is an audit event; an illegal step is refused with a reason and changes nothing."""

import pytest

from applications.models import AuditEvent
from awards.projects import lifecycle
from awards.projects.lifecycle import TABLE, ProjectAction, Subject, lock, project_step
from awards.projects.models import Project, ProjectState
from portal.errors import ErrorCode, PortalError
from tests.projects.builders import lead


def test_every_step_has_a_label_and_a_known_role():
    assert {s.role for s in TABLE} <= set(lifecycle.ROLE_CHECKS)
    assert all(str(s.label) for s in TABLE)
    # Every state of a project is reached by some step, and every action of the enum but the reminder is a step.
    assert {t for s in TABLE if s.subject == Subject.PROJECT for t in s.targets} == set(ProjectState.values)
    assert {s.action for s in TABLE} == set(ProjectAction) - {ProjectAction.REMINDER_SENT}


def test_an_illegal_step_is_refused_with_its_reason_and_changes_nothing(project, alice):
    from django.db import transaction

    before = AuditEvent.objects.count()
    with pytest.raises(PortalError) as error, transaction.atomic():
        project_step(project=lock(project), action=ProjectAction.STATEMENT_ACCEPTED, by=lead(project))
    assert error.value.code == ErrorCode.ILLEGAL_TRANSITION
    assert "Task statement accepted" in str(error.value) and "Task statement to draft" in str(error.value)
    assert Project.objects.get(pk=project.pk).state == ProjectState.DRAFTING and AuditEvent.objects.count() == before


def test_the_wrong_role_is_refused(project, charlie):
    from django.db import transaction

    with pytest.raises(PortalError) as error, transaction.atomic():
        project_step(project=lock(project), action=ProjectAction.STATEMENT_SUBMITTED, by=charlie)
    assert error.value.code == ErrorCode.NOT_ALLOWED


@pytest.mark.django_db(transaction=True)
def test_the_writer_runs_only_in_the_transaction_that_holds_the_lock(project, alice):
    with pytest.raises(RuntimeError):
        project_step(project=project, action=ProjectAction.STATEMENT_SUBMITTED, by=alice)

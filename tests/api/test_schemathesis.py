"""The published schema (/api/schema/) against the API itself, in-process over WSGI: schemathesis generates
requests for every operation from the schema, signed in as a member of an organisation (token header), and
every answer must be a non-5xx that matches the schema's response for its status code.

Bounded and deterministic: at most 10 examples per pass and 30 per operation, derandomized, no example database,
no deadline (the first request of a run warms Django up)."""

from datetime import timedelta

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from knox.models import AuthToken
from schemathesis import GenerationMode

from applications import alerts
from awards.projects.models import VariationKind
from awards.projects.variations import variation_request
from portal.accounts.models import Notification
from reviews import threads
from tests.filings import make_draft, submit
from tests.projects.builders import in_progress

CHECKS = [schemathesis.checks.not_a_server_error, schemathesis.checks.response_schema_conformance]


@pytest.fixture
def in_process_wsgi(db):
    """Requests run inside the test's transaction, as Django's test client runs them: the handler must not
    close the connection at the end of each request (which would drop the test's transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def known_ids(in_process_wsgi, review_call, alice, bob, stcsm_officer) -> dict:
    """Objects for generated requests to find: alice's draft (the member's own), an application submitted by
    her colleague with a clarification request on its thread, and the open call. Random ids alone would almost
    always answer 404."""
    draft = make_draft(review_call, alice)
    submitted = submit(review_call, bob, title="Drug Z")
    question = threads.message_post(
        application=submitted, by=stcsm_officer, body="Which site?", due_on=timezone.localdate() + timedelta(days=9)
    )
    # alice's project in progress, with its reports and a variation to point at.
    project = in_progress(review_call, alice)
    variation = variation_request(
        project=project, by=alice, kind=VariationKind.CHANGE_LEAD, change={"name": "Dr Zhou"}, grounds="Dr Li left."
    )
    organisation = alice.organisation
    alert, _created = alerts.alert_add(organisation=organisation, by=alice, criterion="kind", value="rd_innovation")
    return {
        # The thread's paths first: the draft's prefix below would match them too.
        "/api/v1/applications/{id}/messages/{message_id}/": {"id": submitted.pk, "message_id": question.pk},
        "/api/v1/applications/{id}/messages/": submitted.pk,
        "/api/v1/alerts/{id}/": alert.pk,
        "/api/v1/applications/{id}/": draft.pk,
        "/api/v1/calls/{id}/": review_call.pk,
        "/api/v1/projects/{id}/": project.pk,
        "/api/v1/project-reports/{id}/": project.reports.first().pk,
        "/api/v1/project-variations/{id}/": variation.pk,
        # an item of alice's inbox (her colleague's submission and her project's steps left several)
        "/api/v1/inbox/{id}/": Notification.objects.filter(user=alice).latest("pk").pk,
    }


@pytest.fixture
def api_schema(in_process_wsgi, known_ids):
    return schemathesis.openapi.from_wsgi("/api/schema/", in_process_wsgi)


@pytest.fixture
def member_token(alice) -> str:
    return AuthToken.objects.create(user=alice)[1]


# Multipart file upload: generated bodies are not files, so every example would stop at "no file" and test nothing;
# uploads are exercised with real PDF, PNG and executable bytes in test_api_permissions.py.
EXCLUDED = {
    ("POST", "/api/v1/applications/{id}/attachments/"),
    ("POST", "/api/v1/project-reports/{id}/evidence/"),
    ("POST", "/api/v1/projects/{id}/acceptance/documents/{kind}/"),
    # the check of a letter's copy: real PDFs, one byte changed and executables in tests/awards/test_verification.py
    ("POST", "/api/v1/verify/{token}/"),
}
# Per pass; an operation gets two or three passes (below), so at most 30 examples.
SETTINGS = settings(
    max_examples=10,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


def strategies(operation, known_ids: dict):
    """Valid requests; requests that break the schema (to be refused with a 4xx, never a 500); and, where the
    path names an object, valid requests on one that exists (random ids alone nearly always answer 404)."""
    yield GenerationMode.POSITIVE, operation.as_strategy(GenerationMode.POSITIVE)
    yield GenerationMode.NEGATIVE, operation.as_strategy(GenerationMode.NEGATIVE)
    known = next((pk for prefix, pk in known_ids.items() if operation.path.startswith(prefix)), None)
    if known is not None:
        parameters = {name: str(pk) for name, pk in known.items()} if isinstance(known, dict) else {"id": str(known)}
        yield (
            GenerationMode.POSITIVE,
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters=parameters),
        )


def test_no_operation_answers_500_or_breaks_its_schema(api_schema, known_ids, member_token):
    headers = {"Authorization": f"Token {member_token}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    exercised = []
    for operation in operations:
        if (operation.method.upper(), operation.path) in EXCLUDED:
            continue
        for mode, cases in strategies(operation, known_ids):

            @SETTINGS
            @given(case=cases)
            def call(case):
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                call()
            except Unsatisfiable:
                # An operation without parameters or body (organisations/me) has nothing to break.
                if mode != GenerationMode.NEGATIVE:
                    raise
        exercised.append(operation.label)
    assert len(exercised) == len(operations) - len(EXCLUDED) >= 30

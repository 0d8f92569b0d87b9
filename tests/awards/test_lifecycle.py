"""The award's lifecycle table: every move it lists is one audit event, every move it does not list is refused
with its reason and changes nothing, and nothing but `award_move` writes an award's state."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from applications.models import AuditEvent
from awards.lifecycle import TABLE, AwardAction, award_move
from awards.models import Award, AwardState
from awards.services import award_compute
from portal.errors import ErrorCode, PortalError
from tests.journeys import approved_directly

ILLEGAL = [(state, action) for state in AwardState for action in AwardAction if (state, action) not in TABLE]
LEGAL = [(state, action, target) for (state, action), targets in TABLE.items() for target in targets]


@pytest.fixture
def award(review_call, alice):
    (application,) = approved_directly(review_call, alice, rd_spending="10000000", product_key="ZJ")
    return award_compute(application_id=application.pk)


def in_state(award: Award, state: AwardState) -> Award:
    Award.objects.filter(pk=award.pk).update(state=state)  # test setup: put the award where the case starts
    return Award.objects.select_related("application", "decision__version").get(pk=award.pk)


def as_stored(award: Award) -> tuple:
    stored = Award.objects.get(pk=award.pk)
    return stored.state, stored.confirmed_at, stored.paid


@pytest.mark.parametrize(("state", "action"), ILLEGAL, ids=[f"{s}-{a}" for s, a in ILLEGAL])
def test_a_move_the_table_does_not_list_is_refused_with_its_reason_and_changes_nothing(award, state, action):
    award = in_state(award, state)
    before, events = as_stored(award), AuditEvent.objects.count()
    with pytest.raises(PortalError) as error:
        award_move(award=award, action=action, confirmed_at=timezone.now(), paid=1)
    assert error.value.code == ErrorCode.ILLEGAL_TRANSITION
    assert str(action) in str(error.value) and str(award.get_state_display()) in str(error.value)
    assert as_stored(award) == before
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(("state", "action", "target"), LEGAL, ids=[f"{s}-{a}-{t}" for s, a, t in LEGAL])
def test_each_move_the_table_lists_sets_the_state_and_writes_one_audit_event(award, state, action, target):
    award = in_state(award, state)
    events = AuditEvent.objects.filter(action=action).count()
    award_move(award=award, action=action, to=target, reason="why", data={"note": 1})
    assert Award.objects.get(pk=award.pk).state == target
    # One event of the move's own (what the apps above register for it, such as a confirmed award opening its
    # project, writes events of theirs: tests/projects).
    assert AuditEvent.objects.filter(action=action).count() == events + 1
    event = AuditEvent.objects.filter(action=action).latest("pk")
    assert (event.action, event.reason, event.version) == (action, "why", award.decision.version)
    assert event.data == {"award": award.pk, "award_state": target, "note": 1}
    # An award's move is not a step of its application: the application stays where it is.
    assert event.from_state == event.to_state == award.application.state


def test_a_move_with_several_outcomes_needs_the_caller_to_name_one(award):
    award = in_state(award, AwardState.LETTER_ISSUED)
    for to in [None, AwardState.CLAWED_BACK]:
        with pytest.raises(PortalError):
            award_move(award=award, action=AwardAction.PAYMENT_RECORDED, to=to)
    assert Award.objects.get(pk=award.pk).state == AwardState.LETTER_ISSUED


def test_every_state_but_the_first_is_reached_by_a_move():
    reached = {target for targets in TABLE.values() for target in targets}
    assert reached == set(AwardState) - {AwardState.COMPUTED}


def test_only_the_lifecycle_writes_an_awards_state():
    # An assignment (also in a tuple) or a queryset update; filters name states too, and only read them.
    writes = re.compile(r"\.state\b[^=!\n]*=\s*AwardState\.|\.update\([^)]*\bstate=AwardState")
    offenders = [
        f"{path.name}:{number}"
        for path in (Path(settings.BASE_DIR) / "awards").glob("*.py")
        if path.name != "lifecycle.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if writes.search(line)
    ]
    assert offenders == []

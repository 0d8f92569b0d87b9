"""A register entry's lifecycle table: every move it lists is one history row and one audit event, every move it
does not list is refused with its reason and changes nothing, and nothing but `entry_move` writes an entry's
state."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from applications.models import AuditEvent
from awards.models import EntryState, RegisterEntry, RegisterEvent
from awards.register_lifecycle import LABELS, TABLE, RegisterAction, entry_move
from portal.errors import ErrorCode, PortalError
from tests import registers

ILLEGAL = [(state, action) for state in EntryState for action in RegisterAction if (state, action) not in TABLE]
LEGAL = [(state, action, target) for (state, action), target in TABLE.items()]


@pytest.fixture
def entry(catalogue, alice):
    call = registers.recognition_call(registers.AID)
    return registers.entry_of(registers.approved(call, alice, title="Portable ventilator", facts=registers.AID_FACTS))


def in_state(entry: RegisterEntry, state: EntryState) -> RegisterEntry:
    # Test setup: put the entry where the case starts.
    RegisterEntry.objects.filter(pk=entry.pk).update(
        state=state, valid_from=date(2026, 1, 1), valid_to=date(2028, 12, 31)
    )
    return RegisterEntry.objects.get(pk=entry.pk)


def as_stored(entry: RegisterEntry) -> tuple:
    stored = RegisterEntry.objects.get(pk=entry.pk)
    return stored.state, stored.removal_reason, stored.valid_to


@pytest.mark.parametrize(("state", "action"), ILLEGAL, ids=[f"{s}-{a}" for s, a in ILLEGAL])
def test_a_move_the_table_does_not_list_is_refused_with_its_reason_and_changes_nothing(entry, state, action):
    entry = in_state(entry, state)
    before = as_stored(entry), RegisterEvent.objects.count(), AuditEvent.objects.count()
    with pytest.raises(PortalError) as error:
        entry_move(entry=entry, action=action, removal_reason="changed", valid_to=date(2030, 1, 1))
    assert error.value.code == ErrorCode.ILLEGAL_TRANSITION
    assert str(LABELS[action]) in str(error.value) and str(entry.get_state_display()) in str(error.value)
    assert (as_stored(entry), RegisterEvent.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(("state", "action", "target"), LEGAL, ids=[f"{s}-{a}-{t}" for s, a, t in LEGAL])
def test_each_move_the_table_lists_writes_one_history_row_and_one_audit_event(entry, state, action, target, alice):
    entry = in_state(entry, state)
    events, audits = RegisterEvent.objects.count(), AuditEvent.objects.count()
    moved = entry_move(entry=entry, action=action, by=alice, reason="why", data={"note": 1})
    assert moved.state == RegisterEntry.objects.get(pk=entry.pk).state == target
    assert (RegisterEvent.objects.count(), AuditEvent.objects.count()) == (events + 1, audits + 1)
    row = RegisterEvent.objects.latest("pk")
    assert (row.entry, row.action, row.from_state, row.to_state, row.by, row.reason) == (
        entry,
        action,
        state,
        target,
        alice,
        "why",
    )
    assert (row.valid_from, row.valid_to, row.application) == (date(2026, 1, 1), date(2028, 12, 31), entry.application)
    audit = AuditEvent.objects.latest("pk")
    assert (audit.application, audit.action, audit.reason) == (entry.application, action, "why")
    assert audit.data == {"entry": entry.pk, "entry_state": target, "valid_to": "2028-12-31", "note": 1}
    # An entry's move is not a step of its application: the application stays where it is.
    assert audit.from_state == audit.to_state == entry.application.state


def test_every_state_but_the_first_is_reached_by_a_move():
    assert set(TABLE.values()) == set(EntryState) - {EntryState.AWAITING_NOTICE}


def test_every_action_has_its_words():
    assert set(LABELS) == set(RegisterAction)


def test_only_the_lifecycle_writes_an_entrys_state():
    writes = re.compile(r"\.state\b[^=!\n]*=\s*EntryState\.|\.update\([^)]*\bstate=EntryState")
    offenders = [
        f"{path.name}:{number}"
        for path in (Path(settings.BASE_DIR) / "awards").glob("*.py")
        if path.name != "register_lifecycle.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if writes.search(line)
    ]
    assert offenders == []

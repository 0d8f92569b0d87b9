"""The registers of the recognition programs (SPEC §5 "Measures that grant a status, not money"): an approval lists
the applicant after a public notice, with a validity period and a certificate; no award, no budget; renewal before
expiry extends the same entry; the lead commission removes an entry with a reason; the beat expires entries and
reminds holders once."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from applications import filing, workflow
from applications.models import AuditEvent, State
from awards import register, register_notice
from awards.certificates import certificate_issue
from awards.models import Award, EntryState, Letter, LetterKind, RegisterEntry, RegisterEvent
from awards.register_lifecycle import RegisterAction
from portal.accounts.models import OutboxMessage
from portal.errors import ErrorCode, PortalError
from reviews.models import ReviewTask, TaskKind
from tests import journeys, registers
from tests.filings import make_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def aid_call(catalogue):
    return registers.recognition_call(registers.AID)


def aid_entry(call, by, title="Portable ventilator", key="国械注准20233010001") -> RegisterEntry:
    return registers.listed(call, by, title=title, facts={**registers.AID_FACTS, "product_key": key})


def test_approving_a_recognition_lists_it_awaiting_its_notice_and_computes_no_award(
    aid_call, alice, django_capture_on_commit_callbacks
):
    application = registers.filed(aid_call, alice, title="Portable ventilator", facts=registers.AID_FACTS)
    with django_capture_on_commit_callbacks() as queued:
        journeys.approve(application, reason="Meets the clause.")
    entry = registers.entry_of(application)
    assert (entry.state, entry.organisation, entry.subject, entry.key) == (
        EntryState.AWAITING_NOTICE,
        alice.organisation,
        "Portable ventilator",
        "国械注准20233010001",
    )
    assert entry.decision == application.decisions.get() and entry.call == aid_call
    assert entry.public_facts == [
        {
            "name": "product_key",
            "kind": "text",
            "label_en": "Product or project identifier",
            "label_zh": "产品或项目标识",
            "value": "国械注准20233010001",
        }
    ]
    assert not Award.objects.filter(application=application).exists()
    # Nothing goes to the award pipeline after the commit (handover.queue_award passes a recognition by): the
    # decision's e-mail is all that is queued.
    assert [callback.args[0] for callback in queued] == ["portal.tasks.send_outbox_message"]


def test_a_recognition_has_no_budget_task_and_is_decided_without_one(aid_call, alice):
    application = journeys.pass_formal_check(
        registers.filed(aid_call, alice, title="Portable ventilator", facts=registers.AID_FACTS)
    )
    kinds = set(ReviewTask.objects.filter(application=application).values_list("commission__code", "kind"))
    assert kinds == {
        ("COMMERCE", TaskKind.FORMAL_CHECK),
        ("COMMERCE", TaskKind.OPINION),
        ("HEALTH", TaskKind.OPINION),
        ("FAO", TaskKind.OPINION),
    }
    journeys.give_all_opinions(application)
    approved = workflow.transition(
        application=application, action=workflow.Action.APPROVE, by=journeys.lead(application)
    )
    assert approved.state == State.APPROVED


def test_a_recognition_takes_no_recommended_amount(aid_call, alice):
    application = journeys.ready_for_decision(
        registers.filed(aid_call, alice, title="Portable ventilator", facts=registers.AID_FACTS)
    )
    with pytest.raises(PortalError) as refusal:
        workflow.transition(
            application=application,
            action=workflow.Action.APPROVE,
            by=journeys.lead(application),
            recommended_amount="1000",
            reason="Lower.",
        )
    assert refusal.value.errors == {
        "recommended_amount": ["This measure grants a status, not money; no amount can be recommended."]
    }


def test_a_recognition_stores_no_estimate_while_filing(aid_call, alice):
    application = make_draft(aid_call, alice, track="", facts=registers.AID_FACTS, title="Portable ventilator")
    assert application.estimated_amount is None
    submitted = filing.application_submit(application=application, by=alice)
    assert submitted.current_version.estimate == {"amount": None, "eligible": True}


def test_a_condition_of_the_clause_still_refuses_the_filing(aid_call, alice):
    facts = {**registers.AID_FACTS, "made_in_shanghai": "false"}
    with pytest.raises(PortalError) as refusal:
        registers.filed(aid_call, alice, title="Imported ventilator", facts=facts)
    assert refusal.value.code == ErrorCode.INELIGIBLE
    assert refusal.value.errors == {None: ["The measure recommends innovative devices and equipment made in Shanghai."]}


def test_a_call_on_a_recognition_has_no_budget_and_no_rates(catalogue):
    with pytest.raises(PortalError) as refusal:
        registers.recognition_call(registers.AID, budget=1_000_000)
    assert refusal.value.code == ErrorCode.INVALID and "budget" in refusal.value.errors


def test_the_notice_then_lists_the_entry_for_its_programs_years_and_queues_its_certificate(
    aid_call, alice, django_capture_on_commit_callbacks
):
    entry = registers.on_notice(aid_call, alice, title="Portable ventilator", facts=registers.AID_FACTS)
    assert entry.state == EntryState.IN_NOTICE and entry.notice_from == timezone.localdate()
    day_after = entry.notice_until + timedelta(days=1)
    assert register_notice.register_notices_close(today=entry.notice_until) == []  # the last day still runs
    with django_capture_on_commit_callbacks() as queued:
        (listed,) = register_notice.register_notices_close(today=day_after)
    assert (listed.state, listed.valid_from, listed.valid_to) == (
        EntryState.VALID,
        day_after,
        date(day_after.year + 3, day_after.month, day_after.day) - timedelta(days=1),
    )
    assert len(queued) == 1  # awards.tasks.issue_certificate for the granting decision


def test_an_upheld_objection_overturns_the_entry_and_reopens_the_application(aid_call, alice):
    entry = registers.on_notice(aid_call, alice, title="Portable ventilator", facts=registers.AID_FACTS)
    objection = register_notice.entry_objection_file(
        entry=entry, name="Zhou Min", id_number="310101199001011234", phone="13800000000", text="It is imported."
    )
    # An open objection holds the listing back after the notice ends.
    assert register_notice.register_notices_close(today=entry.notice_until + timedelta(days=1)) == []
    register_notice.entry_objection_resolve(
        objection=objection, by=journeys.staff("COMMERCE"), upheld=True, resolution="The device is imported."
    )
    entry.refresh_from_db()
    assert entry.state == EntryState.OVERTURNED
    assert entry.application.state == State.DEPARTMENT_REVIEW
    # Decided again and approved, it is a new entry: the overturned one stays in the history.
    journeys.give_all_opinions(entry.application)
    workflow.transition(application=entry.application, action=workflow.Action.APPROVE, by=journeys.staff("COMMERCE"))
    assert RegisterEntry.objects.filter(application=entry.application).count() == 2


def test_a_dismissed_objection_lets_the_listing_go_ahead(aid_call, alice):
    entry = registers.on_notice(aid_call, alice, title="Portable ventilator", facts=registers.AID_FACTS)
    objection = register_notice.entry_objection_file(
        entry=entry, name="Zhou Min", id_number="310101199001011234", phone="13800000000", text="Doubts."
    )
    register_notice.entry_objection_resolve(
        objection=objection, by=journeys.staff("COMMERCE"), upheld=False, resolution="Made in Shanghai, as certified."
    )
    (listed,) = register_notice.register_notices_close(today=entry.notice_until + timedelta(days=1))
    assert listed.pk == entry.pk and listed.state == EntryState.VALID


def test_only_the_registers_lead_publishes_its_notice_and_resolves_objections(aid_call, alice):
    entry = registers.entry_of(
        registers.approved(aid_call, alice, title="Portable ventilator", facts=registers.AID_FACTS)
    )
    with pytest.raises(PortalError) as refusal:
        register_notice.register_notice_publish(call=aid_call, by=journeys.staff("HEALTH"))
    assert refusal.value.code == ErrorCode.NOT_ALLOWED
    assert RegisterEntry.objects.get(pk=entry.pk).state == EntryState.AWAITING_NOTICE


# --- renewal ---------------------------------------------------------------------------------------------------


def test_a_renewal_is_refused_until_ninety_days_before_the_end_of_validity(aid_call, alice):
    entry = aid_entry(aid_call, alice)
    with pytest.raises(PortalError) as refusal:
        registers.filed(aid_call, alice, title="Portable ventilator", facts=registers.AID_FACTS)
    assert refusal.value.code == ErrorCode.ALREADY_LISTED
    opens = entry.valid_to - timedelta(days=register.RENEWAL_WINDOW_DAYS)
    assert refusal.value.errors == {
        None: [f"“Portable ventilator” is listed until {entry.valid_to}; a renewal can be filed from {opens}."]
    }


def test_a_product_being_listed_cannot_be_filed_again(aid_call, alice):
    registers.on_notice(aid_call, alice, title="Portable ventilator", facts=registers.AID_FACTS)
    with pytest.raises(PortalError) as refusal:
        registers.filed(aid_call, alice, title="Portable ventilator", facts=registers.AID_FACTS)
    assert refusal.value.code == ErrorCode.ALREADY_LISTED


def near_its_end(entry: RegisterEntry, days: int = 30) -> RegisterEntry:
    """The entry as it stands `days` before its validity ends (its dates moved back, not the clock)."""
    shift = entry.valid_to - timezone.localdate() - timedelta(days=days)
    RegisterEntry.objects.filter(pk=entry.pk).update(
        valid_from=entry.valid_from - shift, valid_to=entry.valid_to - shift
    )
    entry.refresh_from_db()
    return entry


def test_an_approved_renewal_extends_the_same_entry_and_issues_a_new_certificate(
    aid_call, alice, eager_celery, django_capture_on_commit_callbacks
):
    entry = near_its_end(aid_entry(aid_call, alice))
    first = certificate_issue(decision_id=entry.decision_id)
    renewal = registers.filed(aid_call, alice, title="Portable ventilator (2nd generation)", facts=registers.AID_FACTS)
    assert renewal.events.get(action=workflow.Action.SUBMIT).data["renews"] == entry.pk
    with django_capture_on_commit_callbacks(execute=True):
        journeys.approve(renewal, reason="Still meets the clause.")
    renewed = RegisterEntry.objects.get(pk=entry.pk)
    assert RegisterEntry.objects.filter(program=entry.program, organisation=alice.organisation).count() == 1
    assert renewed.state == EntryState.VALID
    assert renewed.valid_from == entry.valid_from
    assert renewed.valid_to == date(entry.valid_to.year + 3, entry.valid_to.month, entry.valid_to.day)
    assert (renewed.application, renewed.subject) == (renewal, "Portable ventilator (2nd generation)")
    second = renewed.certificate
    assert second.kind == LetterKind.CERTIFICATE and second.decision.application == renewal and second != first
    assert second.content["renewal"] is True and second.content["entry"]["valid_to"] == str(renewed.valid_to)
    moves = list(renewed.events.values_list("action", "valid_to"))
    assert (RegisterAction.RENEWED, renewed.valid_to) in moves
    assert moves.index((RegisterAction.RENEWED, renewed.valid_to)) > 0


def test_an_expired_entry_renewed_starts_a_new_period_today(aid_call, alice):
    entry = aid_entry(aid_call, alice)
    register.entries_expire(today=entry.valid_to + timedelta(days=1))
    renewal = registers.filed(aid_call, alice, title="Portable ventilator", facts=registers.AID_FACTS)
    journeys.approve(renewal)
    renewed = RegisterEntry.objects.get(pk=entry.pk)
    today = timezone.localdate()
    assert (renewed.state, renewed.valid_from) == (EntryState.VALID, today)
    assert renewed.valid_to == date(today.year + 3, today.month, today.day) - timedelta(days=1)


# --- dynamic management --------------------------------------------------------------------------------------


def test_the_lead_removes_a_valid_entry_with_its_reason(aid_call, alice):
    entry = aid_entry(aid_call, alice)
    keeper = journeys.staff("COMMERCE")
    removed = register.entry_remove(entry=entry, by=keeper, reason="The registration certificate was revoked.")
    assert (removed.state, removed.removed_on, removed.removal_reason) == (
        EntryState.REMOVED,
        timezone.localdate(),
        "The registration certificate was revoked.",
    )
    event = removed.events.get(action=RegisterAction.REMOVED)
    assert (event.by, event.from_state, event.to_state, event.reason) == (
        keeper,
        EntryState.VALID,
        EntryState.REMOVED,
        "The registration certificate was revoked.",
    )
    # The holder is told, by the outbox, in the removal's transaction.
    audit = AuditEvent.objects.get(action=RegisterAction.REMOVED)
    assert OutboxMessage.objects.get(event=audit).recipients == [alice.email]


@pytest.mark.parametrize("who", ["HEALTH", "alice"])
def test_nobody_but_the_lead_removes_an_entry(aid_call, alice, who):
    entry = aid_entry(aid_call, alice)
    person = alice if who == "alice" else journeys.staff(who)
    with pytest.raises(PortalError) as refusal:
        register.entry_remove(entry=entry, by=person, reason="No.")
    assert refusal.value.code == ErrorCode.NOT_ALLOWED
    assert RegisterEntry.objects.get(pk=entry.pk).state == EntryState.VALID


def test_a_removal_needs_its_reason(aid_call, alice):
    entry = aid_entry(aid_call, alice)
    with pytest.raises(PortalError) as refusal:
        register.entry_remove(entry=entry, by=journeys.staff("COMMERCE"), reason="  ")
    assert refusal.value.code == ErrorCode.REQUIRED
    assert not entry.events.filter(action=RegisterAction.REMOVED).exists()


def test_the_beat_expires_entries_past_their_validity_and_only_those(aid_call, alice):
    entry = aid_entry(aid_call, alice)
    other = aid_entry(aid_call, alice, title="Infusion pump", key="国械注准20233010002")
    RegisterEntry.objects.filter(pk=other.pk).update(valid_to=entry.valid_to + timedelta(days=10))
    assert register.entries_expire(today=entry.valid_to) == []  # its last day is still valid
    (expired,) = register.entries_expire(today=entry.valid_to + timedelta(days=1))
    assert expired.pk == entry.pk and expired.state == EntryState.EXPIRED
    assert RegisterEntry.objects.get(pk=other.pk).state == EntryState.VALID


def test_the_holder_is_reminded_once_ninety_days_before_the_end(aid_call, alice):
    entry = aid_entry(aid_call, alice)
    early = entry.valid_to - timedelta(days=register.RENEWAL_WINDOW_DAYS + 1)
    assert register.renewal_reminders_send(today=early) == []
    due = entry.valid_to - timedelta(days=register.RENEWAL_WINDOW_DAYS)
    (reminded,) = register.renewal_reminders_send(today=due)
    assert reminded.reminded_for == entry.valid_to
    assert register.renewal_reminders_send(today=due + timedelta(days=5)) == []  # once per period
    audit = AuditEvent.objects.get(action=RegisterAction.RENEWAL_REMINDED)
    message = OutboxMessage.objects.get(event=audit)
    assert message.recipients == [alice.email]
    assert f"valid until {entry.valid_to}" in message.body and "file a renewal" in message.body


def test_a_history_row_can_be_neither_changed_nor_deleted(aid_call, alice):
    from django.db import DatabaseError, transaction

    event = aid_entry(aid_call, alice).events.first()
    with pytest.raises(ValueError):
        event.save()
    with transaction.atomic(), pytest.raises(DatabaseError):
        RegisterEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with transaction.atomic(), pytest.raises(DatabaseError):
        RegisterEvent.objects.filter(pk=event.pk).delete()


# --- who may apply ---------------------------------------------------------------------------------------------


def test_a_hospital_measure_refuses_an_enterprise_when_its_draft_is_started(catalogue, alice):
    with registers.in_policy_a():
        call = registers.recognition_call(registers.BEDS)
        with pytest.raises(PortalError) as refusal:
            filing.application_create(call=call, track=call.program.tracks.get(), title="Our beds", by=alice)
    assert refusal.value.code == ErrorCode.APPLICANT_KIND
    assert refusal.value.errors == {
        None: [
            "Identified clinical research beds is for Public institution only; "
            "your organisation is registered as Enterprise."
        ]
    }


def test_a_hospital_measure_refuses_on_submission_an_organisation_whose_kind_changed(catalogue, hana):
    with registers.in_policy_a():
        call = registers.recognition_call(registers.BEDS)
        application = make_draft(call, hana, track="", facts=registers.BEDS_FACTS, title="Research wards")
        hana.organisation.kind = "enterprise"
        hana.organisation.save(update_fields=["kind"])
        with pytest.raises(PortalError) as refusal:
            filing.application_submit(application=application, by=hana)
    assert refusal.value.code == ErrorCode.APPLICANT_KIND
    assert application.versions.count() == 0


def test_a_hospital_is_identified_with_its_number_of_beds(catalogue, hana):
    with registers.in_policy_a():
        call = registers.recognition_call(registers.BEDS)
        entry = registers.listed(call, hana, title="Clinical research wards, East campus", facts=registers.BEDS_FACTS)
        certificate = certificate_issue(decision_id=entry.decision_id)
    assert entry.organisation == hana.organisation and entry.key == ""
    assert [(f["name"], f["value"]) for f in entry.public_facts] == [("research_beds", 24)]
    assert entry.valid_to == date(entry.valid_from.year + 3, entry.valid_from.month, entry.valid_from.day) - timedelta(
        days=1
    )
    assert certificate.commission.code == "SHDC" and certificate.reference.startswith("SHDC-2023-")
    # FIN is listed by the clause but gets no task: identifying beds moves no money.
    tasks = ReviewTask.objects.filter(application=entry.application)
    assert set(tasks.values_list("commission__code", flat=True)) == {"SHDC", "HEALTH"}
    assert Letter.objects.filter(entry=entry).count() == 1

"""Instalments: each is paid only when its condition holds, and refused with the reason otherwise; the paid total
never exceeds the award; two finance officers paying one instalment at once pay it once."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone, translation

from awards import money
from awards.models import Award, AwardState, Payment
from awards.projects import instalments
from awards.projects.instalments import why_not_payable
from awards.projects.models import Instalment, InstalmentState, Project, ProjectTerms, ReportState
from portal.errors import ErrorCode, PortalError
from tests.factories import finance_officer as another_finance_officer
from tests.projects.builders import file_report, finance, in_progress, lead, pay, submitted


def refused(code, call, **kwargs):
    with pytest.raises(PortalError) as error:
        call(**kwargs)
    assert error.value.code == code, error.value.errors
    return str(error.value)


def first_and_last(project):
    return list(project.instalments.order_by("number"))


def test_nothing_is_paid_before_the_task_statement_is_accepted(project, alice):
    first, _last = first_and_last(project)
    reason = refused(ErrorCode.ILLEGAL_TRANSITION, pay, instalment=first)
    assert reason == "No instalment is paid before the task statement is accepted."
    submitted(project, alice)
    refused(ErrorCode.ILLEGAL_TRANSITION, pay, instalment=first)
    assert Award.objects.get(pk=project.award_id).paid == 0


def test_first_paid_on_the_letter_second_refused_until_acceptance(running):
    first, last = first_and_last(running)
    payment = pay(first)
    first.refresh_from_db()
    assert (first.state, first.payment, payment.amount) == (InstalmentState.PAID, payment, 2_000_000)
    award = Award.objects.get(pk=running.award_id)
    assert (award.paid, award.state) == (2_000_000, AwardState.LETTER_ISSUED)
    reason = refused(ErrorCode.ILLEGAL_TRANSITION, pay, instalment=last)
    assert reason == "It is paid once the acceptance is passed, and the project has not passed it yet."
    # Paid is paid: a second payment of the first is refused too.
    assert refused(ErrorCode.ILLEGAL_TRANSITION, pay, instalment=first) == "This instalment is paid already."


def test_only_the_finance_bureau_pays(running, alice):
    first, _last = first_and_last(running)
    for user in (alice, lead(running)):
        refused(
            ErrorCode.NOT_ALLOWED, instalments.instalment_pay, instalment=first, by=user, paid_on=timezone.localdate()
        )


def test_an_award_with_a_project_is_paid_only_by_its_instalments(running):
    award = Award.objects.get(pk=running.award_id)
    reason = refused(
        ErrorCode.ILLEGAL_TRANSITION,
        money.payment_record,
        award=award,
        by=finance(),
        amount="100",
        paid_on=timezone.localdate(),
    )
    assert "instalments of its project's schedule" in reason
    assert money.payment_refusal(award) == reason
    # Nor by handing in another award's instalment.
    other = in_progress(running.call, running.organisation.members.first())
    reason = refused(
        ErrorCode.ILLEGAL_TRANSITION,
        money.payment_record,
        award=award,
        by=finance(),
        amount="100",
        paid_on=timezone.localdate(),
        instalment=other.instalments.first(),
    )
    assert "does not belong" in reason


def test_an_overdue_report_holds_back_every_instalment(running, alice):
    first, _last = first_and_last(running)
    report = running.reports.order_by("number").first()
    later = report.due_on + timedelta(days=1)
    assert why_not_payable(first, today=later) == (
        f"The progress report “{report.label}” was due on {report.due_on.isoformat()} and is not filed: "
        "no instalment is paid until it is."
    )
    assert why_not_payable(first, today=report.due_on) is None  # due today is not overdue


def test_an_instalment_on_a_report_and_one_on_a_date(review_call, alice):
    ProjectTerms.objects.create(
        call=review_call,
        schedule=[
            {
                "label_en": "After report 1",
                "label_zh": "中期报告后",
                "percent": "60",
                "condition": "report_accepted",
                "report": 1,
            },
            {"label_en": "From a date", "label_zh": "日期", "percent": "40", "condition": "date", "on": "2099-01-01"},
        ],
    )
    project = in_progress(review_call, alice)
    on_report, on_date = first_and_last(project)
    assert "progress report 1" in why_not_payable(on_report)
    report = project.reports.get(number=1)
    file_report(report, alice)
    assert "progress report 1" in why_not_payable(on_report)  # filed is not accepted
    from awards.projects import progress

    progress.report_accept(report=report, by=lead(project))
    assert Project.objects.get(pk=project.pk).reports.get(number=1).state == ReportState.ACCEPTED
    pay(on_report)
    assert why_not_payable(on_date) == "It is paid from 2099-01-01."
    Instalment.objects.filter(pk=on_date.pk).update(due_from=timezone.localdate())
    assert why_not_payable(Instalment.objects.get(pk=on_date.pk)) is None


def test_the_paid_total_never_exceeds_the_award(running):
    first, last = first_and_last(running)
    pay(first)
    # Were the schedule's share wrong, the award's own rule (money.payment_record) still holds the line.
    Instalment.objects.filter(pk=last.pk).update(amount=2_000_001)
    Project.objects.filter(pk=running.pk).update(state="passed")
    with pytest.raises(PortalError) as error:
        pay(Instalment.objects.get(pk=last.pk))
    assert "more than the award" in str(error.value)
    assert Award.objects.get(pk=running.award_id).paid == 2_000_000


def race(instalment: Instalment, payers) -> list[BaseException]:
    barrier = threading.Barrier(len(payers))
    errors: list[BaseException] = []

    def run(payer):
        try:
            barrier.wait()
            with translation.override("en"):  # a thread of its own: the test's language is not its
                instalments.instalment_pay(instalment=instalment, by=payer, paid_on=timezone.localdate())
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(payer,)) for payer in payers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def _slow_check(monkeypatch):
    check = instalments.why_not_payable

    def slow(*args, **kwargs):
        # Widen the window between reading the instalment and paying it: without the lock both payers read
        # it unpaid (the test below shows that it then pays twice).
        answer = check(*args, **kwargs)
        time.sleep(0.2)
        return answer

    monkeypatch.setattr(instalments, "why_not_payable", slow)


@pytest.fixture
def two_payers(transactional_db, catalogue):
    return [finance(), another_finance_officer(username="finance-2")]


@pytest.mark.django_db(transaction=True)
def test_two_finance_officers_paying_one_instalment_at_once_pay_it_once(review_call, alice, two_payers, monkeypatch):
    project = in_progress(review_call, alice)
    first, _last = first_and_last(project)
    _slow_check(monkeypatch)
    errors = race(first, two_payers)
    assert len(errors) == 1 and isinstance(errors[0], PortalError), errors
    assert str(errors[0]) == "This instalment is paid already."
    assert Payment.objects.filter(award_id=project.award_id).count() == 1
    assert Award.objects.get(pk=project.award_id).paid == 2_000_000


@pytest.mark.django_db(transaction=True)
def test_without_the_lock_the_race_pays_twice(review_call, alice, two_payers, monkeypatch):
    """The test above can fail: with the project's and the instalment's locks taken away, both payers read the
    instalment unpaid and both pay it (the award's own cap does not see it: two halves make the whole)."""
    project = in_progress(review_call, alice)
    first, _last = first_and_last(project)

    def unlocked(instalment_id):
        row = Instalment.objects.select_related("project__award__letter").prefetch_related("project__reports")
        instalment = row.get(pk=instalment_id)
        return instalment.project, instalment

    monkeypatch.setattr(instalments, "_locked", unlocked)
    _slow_check(monkeypatch)
    assert race(first, two_payers) == []
    assert Payment.objects.filter(award_id=project.award_id).count() == 2

"""Steps of the review, as the officers take them, for tests that need an application further along."""

from applications import filing, workflow
from applications.models import Application, State
from portal.accounts.models import Commission, User
from reviews import services
from reviews.checklist import CODES
from reviews.models import Decision, ReviewTask, TaskKind, TaskState
from tests import personas
from tests.filings import make_draft

ALL_HOLD = dict.fromkeys(CODES, True)


def staff(code: str) -> User:
    """The officer persona (or, for the Finance Bureau, the finance officer) of the commission `code`."""
    return personas.officer_of(code)


def lead(application: Application) -> User:
    return staff(application.call.program.lead.code)


def pass_formal_check(application: Application) -> Application:
    officer = lead(application)
    workflow.transition(application=application, action="start_formal_check", by=officer)
    return workflow.transition(application=application, action="pass_formal_check", by=officer, checklist=ALL_HOLD)


def give_all_opinions(application: Application, opinion: str = "support") -> None:
    for task in ReviewTask.objects.filter(application=application, kind=TaskKind.OPINION, state=TaskState.OPEN):
        services.opinion_give(task=task, by=staff(task.commission.code), opinion=opinion, reasons="Reviewed.")


def confirm_budget(application: Application) -> None:
    for task in ReviewTask.objects.filter(application=application, kind=TaskKind.BUDGET, state=TaskState.OPEN):
        services.budget_confirm(task=task, by=staff(task.commission.code), confirmed=True)


def ready_for_decision(application: Application) -> Application:
    pass_formal_check(application)
    give_all_opinions(application)
    confirm_budget(application)
    return Application.objects.get(pk=application.pk)


def approve(application: Application, **payload) -> Application:
    ready_for_decision(application)
    return workflow.transition(application=application, action="approve", by=lead(application), **payload)


def lead_of_call(call) -> User:
    return staff(call.program.lead.code)


def approved_directly(call, by, *, rd_spending: str, product_key: str, n: int = 1) -> list[Application]:
    """Submitted applications marked approved with a Decision row, without walking every review step:
    for tests about what happens after the decision (the review itself is tested in tests/reviews)."""
    applications = []
    for i in range(n):
        facts = {
            "rd_spending": rd_spending,
            "drug_category": "chemical",
            "class_1": "true",
            "product_key": f"{product_key}-{i}",
            "milestone_date": "2025-03-01",
        }
        applications.append(approved_filing(call, by, track="phase_2", facts=facts, title=f"Drug {i}"))
    return applications


# --- a desk case (reviews/desk.py) -------------------------------------------------------------------------


def route(application: Application, units=("SMPA", "HEALTH")) -> Application:
    """The lead routes the case to `units` (by code); their officers are registered first."""
    for code in units:
        staff(code)
    return workflow.transition(
        application=application,
        action="route",
        by=lead(application),
        units=list(Commission.objects.filter(code__in=units)),
    )


def answer_all(application: Application, text: str = "Answered for the desk.") -> Application:
    """Every routed unit answers (the last answer takes the case to `answered`)."""
    for task in ReviewTask.objects.filter(application=application, kind=TaskKind.DESK_ANSWER, state=TaskState.OPEN):
        services.answer_give(task=task, by=staff(task.commission.code), answer=f"{task.commission.code}: {text}")
    return Application.objects.get(pk=application.pk)


def answered_case(application: Application, units=("SMPA", "HEALTH")) -> Application:
    return answer_all(route(application, units))


def approved_filing(call, by, *, track: str, facts: dict, title: str) -> Application:
    """One filing on `track` with `facts`, submitted and marked approved with a Decision row (as above)."""
    application = filing.application_submit(
        application=make_draft(call, by, track=track, facts=facts, title=title), by=by
    )
    Application.objects.filter(pk=application.pk).update(state=State.APPROVED)
    Decision.objects.create(
        application=application, version=application.current_version, outcome="approved", decided_by=lead(application)
    )
    return application

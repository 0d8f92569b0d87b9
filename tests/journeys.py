"""Steps of the review, as the officers take them, for tests that need an application further along."""

from applications import workflow
from applications.models import Application
from portal.accounts.models import Commission, Role, User
from reviews import services
from reviews.checklist import CODES
from reviews.models import ReviewTask, TaskKind, TaskState
from tests.factories import UserFactory

ALL_HOLD = dict.fromkeys(CODES, True)


def staff(code: str) -> User:
    """An officer (or, for the Finance Bureau, a finance officer) of the commission `code`."""
    commission = Commission.objects.get(code=code)
    role = Role.FINANCE if commission.confirms_budget else Role.OFFICER
    existing = User.objects.filter(commission=commission, role=role, username=f"staff-{code.lower()}").first()
    return existing or UserFactory(role=role, commission=commission, username=f"staff-{code.lower()}")


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

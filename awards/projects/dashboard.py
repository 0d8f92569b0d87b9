"""The projects' figures on the administrators' dashboard (registered with awards.reports in apps.py): money paid
against what the accepted task statements commit, projects by state, and the outcomes of acceptance."""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from awards.projects.models import AcceptanceOutcome, Instalment, InstalmentState, Project, ProjectState

ZERO = Decimal(0)


def state_label(value) -> str:
    return str(ProjectState(value).label)


def figures() -> dict:
    committed = Instalment.objects.exclude(state=InstalmentState.CANCELLED).aggregate(
        committed=Coalesce(Sum("amount"), ZERO),
        paid=Coalesce(Sum("amount", filter=Q(state=InstalmentState.PAID)), ZERO),
    )
    counts = dict(Project.objects.values_list("state").annotate(n=Count("pk")).order_by())
    states = [(str(label), counts.get(state, 0)) for state, label in ProjectState.choices]
    outcomes_by_value = dict(
        Project.objects.filter(acceptances__outcome__gt="")
        .values_list("acceptances__outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    outcomes = [(str(label), outcomes_by_value.get(value, 0)) for value, label in AcceptanceOutcome.choices]
    percent = round(100 * committed["paid"] / committed["committed"]) if committed["committed"] else 0
    return {
        **committed,
        "left": committed["committed"] - committed["paid"],
        "percent": percent,
        "states": states,
        "outcomes": outcomes,
        "charts": {
            "money": {
                "labels": ["paid", "left"],
                "values": [committed["paid"], committed["committed"] - committed["paid"]],
            },
            "states": {"labels": [s for s, _n in states], "values": [n for _s, n in states]},
            "outcomes": {"labels": [o for o, _n in outcomes], "values": [n for _o, n in outcomes]},
        },
    }

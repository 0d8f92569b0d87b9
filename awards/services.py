"""Writes of awards: computing them with the engine under locks that keep the yearly cap and the call
budget whole (SPEC §7), and allocating a call's budget in the order of the expert ranking."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery, Sum
from django.utils import translation

from applications.facts import FactsForm, form_data_from_json
from applications.models import Application, Call
from awards.engine import Context, Result, compute
from awards.explain import result_as_json
from awards.models import HOLDING, Award, AwardState
from awards.rules import rule_for
from portal.models import Organisation
from reviews.models import Decision, DecisionOutcome

ZERO = Decimal(0)


def overlap_key(application: Application, product_key: str) -> str:
    program = application.call.program
    parts = [program.overlap_group, product_key.strip().upper()]
    if program.overlap_per_track:
        parts.append(application.track.code)
    return "|".join(parts)


def held(queryset) -> Decimal:
    """What the awards in `queryset` hold against caps and budgets: the amount less any clawback."""
    total = queryset.filter(state__in=HOLDING).aggregate(total=Sum(F("amount") - F("clawed_back")))["total"]
    return total or ZERO


# One round trip for the three sums an approval is computed against, each an index-only scan of a
# covering index of Award.Meta (organisation, program, year | call, state). Plain SQL because this runs
# once per approval under the call's lock: the two ORM aggregates it replaces cost more to compile than
# PostgreSQL takes to answer (`make bench`). `{exclude}` is left out when empty: comparing ids would
# need the table, not only the index.
HELD_SQL = """
SELECT
    COALESCE(SUM(amount - clawed_back) FILTER (WHERE program_id = %(program)s AND year = %(year)s), 0),
    COALESCE(SUM(amount - clawed_back) FILTER (WHERE overlap_key = %(key)s), 0),
    CASE WHEN %(with_call)s THEN (
        SELECT COALESCE(SUM(amount - clawed_back), 0) FROM awards_award
        WHERE call_id = %(call)s AND state = ANY(%(holding)s){exclude}
    ) ELSE 0 END
FROM awards_award
WHERE organisation_id = %(organisation)s AND state = ANY(%(holding)s){exclude}
"""


def held_for(application: Application, call: Call, key: str, *, exclude=(), with_call: bool = False):
    """What the organisation's awards hold against its yearly cap in the program and against the
    overlap group, and (with_call) what the call's awards hold against its budget, leaving out the
    awards in `exclude`."""
    sql = HELD_SQL.format(exclude=" AND NOT (id = ANY(%(exclude)s))" if exclude else "")
    params = {
        "program": call.program_id,
        "year": call.year,
        "key": key,
        "with_call": with_call,
        "call": call.pk,
        "holding": list(HOLDING),
        "exclude": list(exclude),
        "organisation": application.organisation_id,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        yearly, overlap, call_held = cursor.fetchone()
    return yearly, overlap, call_held


@dataclass(frozen=True)
class Computed:
    result: Result
    breakdown: dict
    key: str


def _facts(decision: Decision, schema: list[dict]) -> dict:
    data, _errors = form_data_from_json(schema, decision.version.facts)
    form = FactsForm(schema, data=data)
    if not form.is_valid():
        raise ValueError(f"version {decision.version_id} no longer validates: {form.errors.as_json()}")
    return form.cleaned_data


def _compute(
    application: Application, decision: Decision, call: Call, *, budget_left=None, budget_of_call=False, exclude=()
) -> Computed:
    """The engine's answer for one approval, with what the world already holds (less `exclude`); the
    budget left is given, or (budget_of_call) the call's budget less what its awards hold."""
    program = call.program
    facts = _facts(decision, program.fact_schema)
    key = overlap_key(application, facts.get("product_key", "") or application.title)
    this_year, in_overlap_group, call_held = held_for(application, call, key, exclude=exclude, with_call=budget_of_call)
    if budget_of_call:
        budget_left = None if call.budget is None else call.budget - call_held
    context = Context(
        awarded_this_year=this_year,
        awarded_in_overlap_group=in_overlap_group,
        call_budget_left=budget_left,
        recommended_amount=decision.recommended_amount,
        recommendation_reason=decision.reasons,
    )
    result = compute(rule_for(application.track, call), facts, context)
    breakdown = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            breakdown[language] = result_as_json(result, application.track)
    breakdown["context"] = {
        "awarded_this_year": str(context.awarded_this_year),
        "awarded_in_overlap_group": str(context.awarded_in_overlap_group),
        "call_budget_left": None if budget_left is None else str(budget_left),
    }
    return Computed(result, breakdown, key)


# The columns computing an award reads. The rest (drafts, descriptions, the call's rubric and deadlines)
# stays in the database: loading and compiling some 150 columns per approval was a third of its time
# (`make bench`). A field missing here is not wrong, only one extra query when it is read.
APPLICATION_READS = ("organisation_id", "call_id", "track_id", "title")
TRACK_READS = ("code", "base_fact", "rate", "rate_is_ceiling", "clause_cap", "conditions", "program_id")
PROGRAM_READS = (
    "code",
    "clause",
    "yearly_cap",
    "overlap_group",
    "overlap_per_track",
    "fact_schema",
    "catalogue_version",
)
CALL_READS = ("program_id", "year", "budget", "track_terms")


def lock_for_award(application_id: int) -> tuple[Application, Call]:
    """Lock order everywhere: application, call, organisation. Every award of a call passes the call's
    lock, so N officers approving at once are computed one after another against the budget left; the
    organisation's lock does the same for its yearly cap and its products' overlap sums."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("track__program")
        .only(
            *APPLICATION_READS,
            *(f"track__{name}" for name in TRACK_READS),
            *(f"track__program__{name}" for name in PROGRAM_READS),
        )
        .get(pk=application_id)
    )
    call = Call.objects.select_for_update().only(*CALL_READS).get(pk=application.call_id)
    # A track belongs to its call's program (the filing checks it), so the program is the one just read.
    if application.track.program_id != call.program_id:
        raise ValueError(f"application {application_id}: its track is not of its call's program")
    call.program = application.track.program
    application.call = call
    Organisation.objects.select_for_update().filter(pk=application.organisation_id).values_list("pk").get()
    return application, call


@transaction.atomic
def award_compute(*, application_id: int) -> Award:
    """Idempotent: a second run for the same decision returns the award the first one made."""
    application, call = lock_for_award(application_id)
    decision = (
        application.decisions.filter(outcome=DecisionOutcome.APPROVED)
        .select_related("version")
        .only("application_id", "recommended_amount", "reasons", "version__facts")
        # Whether the award exists comes with the decision: one round trip fewer on every approval.
        .annotate(award_id=Subquery(Award.objects.filter(decision=OuterRef("pk")).values("pk")[:1]))
        .first()
    )
    if decision is None:
        raise ValueError(f"application {application_id} has no approval to compute an award for")
    if decision.award_id is not None:
        return Award.objects.get(pk=decision.award_id)
    computed = _compute(application, decision, call, budget_of_call=True)
    return Award.objects.create(
        application=application,
        decision=decision,
        organisation_id=application.organisation_id,
        call=call,
        program=call.program,
        year=call.year,
        overlap_key=computed.key,
        amount=computed.result.amount,
        breakdown=computed.breakdown,
        catalogue_version=call.program.catalogue_version,
    )


def ranking_order(awards: list[Award]) -> list[Award]:
    """Expert ranking first (average weighted score, best first; unscored last), then submission time."""
    from reviews.models import AssignmentState

    def key(award: Award):
        scores = [
            a.weighted_score
            for a in award.application.expert_assignments.all()
            if a.state == AssignmentState.SCORED and a.weighted_score is not None
        ]
        average = sum(scores) / len(scores) if scores else None
        return (average is None, -(average or 0), award.application.first_submitted_at, award.pk)

    return sorted(awards, key=key)


def allocate_call_budget(call: Call) -> list[Award]:
    """Re-run the computed (not yet published) awards of a locked call in ranking order against the
    budget the published ones leave, so that a budget too small for every approval goes to the best
    ranked first, whatever order the approvals came in. Each award's breakdown says its place."""
    batch = ranking_order(
        list(
            Award.objects.select_for_update(of=("self",))
            .filter(call=call, state=AwardState.COMPUTED)
            .select_related("application__track", "decision__version")
            .prefetch_related("application__expert_assignments")
        )
    )
    ids = [a.pk for a in batch]
    budget_left = (
        None if call.budget is None else call.budget - held(Award.objects.filter(call=call).exclude(pk__in=ids))
    )
    for place, award in enumerate(batch, start=1):
        # The awards after this one in the batch are not counted yet: they get what is left.
        pending = ids[place - 1 :]
        computed = _compute(award.application, award.decision, call, budget_left=budget_left, exclude=pending)
        award.amount = computed.result.amount
        award.breakdown = {**computed.breakdown, "allocation": {"place": place, "of": len(batch)}}
        award.save(update_fields=["amount", "breakdown"])
        if budget_left is not None:
            budget_left -= award.amount
    return batch

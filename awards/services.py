"""Writes of awards: computing them with the engine under locks that keep the yearly cap and the call
budget whole (SPEC §7), and allocating a call's budget in the order of the expert ranking."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import translation

from applications import facts as facts_codec
from applications.models import Application, Call, State
from awards.engine import Context, Result, compute, held_in_overlap, needs_register
from awards.explain import result_as_json
from awards.models import HOLDING, Award, AwardState
from awards.register import recognised_for
from awards.rules import rule_for
from portal.accounts.models import Organisation
from portal.errors import PortalError
from reviews.models import AssignmentState, Decision, DecisionOutcome

ZERO = Decimal(0)
CENT = Decimal("0.01")


def overlap_key(application: Application, product_key: str) -> str:
    """The product in its overlap group; which stages of it an award funds is its track's (`overlap_stages`)."""
    return "|".join([application.call.program.overlap_group, product_key.strip().upper()])


# What organisations' awards hold (models.held_amount, in SQL), per organisation, product (overlap key) and the
# stages funded: all of it, and what counts against this program's yearly cap. One round trip and one scan of
# the covering index award_org_holdings, for one approval (held_for) or for a batch's organisations (_holdings).
# `{exclude}` is left out when empty: comparing ids would need the table, not only the index.
HOLDINGS_SQL = """
SELECT organisation_id, overlap_key, overlap_stages,
    COALESCE(SUM(amount - clawed_back) FILTER (WHERE program_id = %(program)s AND year = %(year)s), 0),
    COALESCE(SUM(amount - clawed_back), 0)
FROM awards_award
WHERE organisation_id = ANY(%(organisations)s) AND state = ANY(%(holding)s){exclude}
GROUP BY organisation_id, overlap_key, overlap_stages
"""


def _holdings(call: Call, organisations: list[int], *, exclude=()) -> tuple[dict, dict]:
    """What the organisations' awards, less those in `exclude`, hold against this program's yearly cap (per
    organisation) and for each product (per organisation and overlap key: [(stages, amount held), ...], which
    `engine.held_in_overlap` sums for the stages of a new award)."""
    sql = HOLDINGS_SQL.format(exclude=" AND NOT (id = ANY(%(exclude)s))" if exclude else "")
    params = {
        "program": call.program_id,
        "year": call.year,
        "holding": list(HOLDING),
        "organisations": organisations,
        "exclude": list(exclude),
    }
    yearly, overlap = {}, {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for organisation_id, key, stages, this_year, in_group in cursor.fetchall():
            yearly[organisation_id] = yearly.get(organisation_id, ZERO) + this_year
            overlap.setdefault((organisation_id, key), []).append((tuple(stages), in_group))
    return yearly, overlap


def held_for(application: Application, call: Call, key: str, *, exclude=()) -> tuple[Decimal, Decimal]:
    """What the organisation's awards hold against its yearly cap in the program and, at the stages of the
    application's track, for the same product in the overlap group, leaving out the awards in `exclude`."""
    organisation = application.organisation_id
    yearly, overlap = _holdings(call, [organisation], exclude=exclude)
    in_group = held_in_overlap(application.track.overlap_stages, overlap.get((organisation, key), []))
    return yearly.get(organisation, ZERO), in_group


@dataclass(frozen=True)
class Computed:
    result: Result
    breakdown: dict
    key: str


def _facts(decision: Decision, schema: list[dict]) -> dict:
    try:
        # A fact the catalogue has dropped since the submission does not stop the award.
        return facts_codec.load(schema, decision.version.facts, drop_unknown=True)
    except PortalError as error:
        raise ValueError(f"version {decision.version_id} no longer validates: {error.errors}") from error


def _compute(
    application: Application, decision: Decision, call: Call, *, budget_left: Decimal | None, exclude=()
) -> Computed:
    """The engine's answer for one approval against what the organisation's awards already hold (less
    `exclude`) and the budget left that is given."""
    facts = _facts(decision, application.track.fact_schema)
    key = overlap_key(application, facts.get("product_key", "") or application.title)
    this_year, in_overlap_group = held_for(application, call, key, exclude=exclude)
    return _computed(
        application,
        decision,
        call,
        facts,
        key,
        this_year=this_year,
        in_overlap_group=in_overlap_group,
        budget_left=budget_left,
    )


def _computed(
    application: Application,
    decision: Decision,
    call: Call,
    facts: dict,
    key: str,
    *,
    this_year: Decimal,
    in_overlap_group: Decimal,
    budget_left: Decimal | None,
) -> Computed:
    rule = rule_for(application.track, call)
    context = Context(
        awarded_this_year=this_year,
        awarded_in_overlap_group=in_overlap_group,
        call_budget_left=budget_left,
        recommended_amount=decision.recommended_amount,
        recommendation_reason=decision.reasons,
        # The register as it stands now: an entry removed since the filing no longer carries the money.
        recognised=recognised_for(application.organisation_id, facts.get("product_key", ""))
        if needs_register(rule)
        else frozenset(),
    )
    result = compute(rule, facts, context)
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
TRACK_READS = (
    "code",
    "base_fact",
    "rate",
    "rate_is_ceiling",
    "clause_cap",
    "conditions",
    "fact_schema",
    "overlap_stages",
    "program_id",
)
PROGRAM_READS = ("code", "clause", "yearly_cap", "overlap_group", "catalogue_version")
CALL_READS = ("program_id", "year", "budget", "track_terms")


# Approvals of the call still waiting for their award that one run computes along with its own: each
# run takes the call's lock anyway, and under it a batch costs one set of locks, sums and inserts instead
# of one per approval (10,000 approvals queued at once: `make bench`). Bounded so the call's lock is
# held for a moment, not for the whole queue.
BATCH = 200

# The award of an application's latest approval (Decision.Meta.ordering). Plain SQL: the ORM took ~1.2 ms
# to compile the same query with its subquery, and this runs once per queued approval (`make bench`).
AWARD_OF_LATEST_APPROVAL_SQL = """
SELECT * FROM awards_award WHERE decision_id = (
    SELECT id FROM reviews_decision WHERE application_id = %s AND outcome = %s
    ORDER BY decided_at DESC, id DESC LIMIT 1
)
"""


def _applications(queryset):
    return queryset.select_related("track__program").only(
        *APPLICATION_READS,
        *(f"track__{name}" for name in TRACK_READS),
        *(f"track__program__{name}" for name in PROGRAM_READS),
    )


def _approvals(applications) -> dict[int, Decision]:
    """The latest approval of each application, with whether its award exists (one query)."""
    return {
        decision.application_id: decision
        for decision in Decision.objects.filter(application__in=applications, outcome=DecisionOutcome.APPROVED)
        .select_related("version")
        .only("application_id", "recommended_amount", "reasons", "decided_at", "version__facts")
        .annotate(award_id=Subquery(Award.objects.filter(decision=OuterRef("pk")).values("pk")[:1]))
        .order_by("application_id", "-decided_at", "-pk")
        .distinct("application_id")
    }


def _waiting(application: Application, call: Call) -> list[Application]:
    """Up to BATCH - 1 other approvals of the call still without an award, locked with SKIP LOCKED: one
    that another transaction holds (a decision in progress, another run) is left to that transaction's
    run, and waiting for it while holding the call's lock could deadlock."""
    return list(
        _applications(Application.objects.select_for_update(of=("self",), skip_locked=True))
        .filter(call_id=call.pk, state=State.APPROVED, awards__isnull=True)
        .exclude(pk=application.pk)
        .order_by("pk")[: BATCH - 1]
    )


def award_compute(*, application_id: int) -> Award:
    """The award of this approval, and in the same transaction those of up to BATCH - 1 other approvals
    of its call still waiting for theirs, in the order they were decided: each against what the awards
    before it hold, exactly as if computed one by one. Idempotent: a second run for the same decision
    returns the award the first one made.

    Lock order everywhere: application, call, organisation. Every award of a call passes the call's lock,
    so N officers approving at once are computed one after another against the budget left; the
    organisations' locks (taken in id order) do the same for their yearly caps and products' overlaps."""
    # Most runs of a queue find their award made by an earlier run's batch: they answer without a lock
    # (an award made for a decision stays that decision's; overturning one leaves a new decision to come).
    made = next(iter(Award.objects.raw(AWARD_OF_LATEST_APPROVAL_SQL, [application_id, DecisionOutcome.APPROVED])), None)
    if made is not None:
        return made
    return _award_compute_locked(application_id)


@transaction.atomic
def _award_compute_locked(application_id: int) -> Award:
    application = _applications(Application.objects.select_for_update(of=("self",))).get(pk=application_id)
    call = Call.objects.select_for_update().only(*CALL_READS).get(pk=application.call_id)
    # A track belongs to its call's program (the filing checks it): the program is the one just read.
    if application.track.program_id != call.program_id:
        raise ValueError(f"application {application_id}: its track is not of its call's program")
    call.program = application.track.program
    own = _approvals([application]).get(application_id)
    if own is None:
        raise ValueError(f"application {application_id} has no approval to compute an award for")
    if own.award_id is not None:
        return Award.objects.get(pk=own.award_id)
    waiting = _waiting(application, call)
    decisions = {**(_approvals(waiting) if waiting else {}), application_id: own}
    batch = [application] + [
        m
        for m in waiting
        if m.pk in decisions and decisions[m.pk].award_id is None and m.track.program_id == call.program_id
    ]
    organisations = sorted({member.organisation_id for member in batch})
    list(Organisation.objects.select_for_update().filter(pk__in=organisations).order_by("pk").values_list("pk"))
    yearly, overlap = _holdings(call, organisations)
    budget_left = None if call.budget is None else call.budget - Award.objects.filter(call=call).held()
    awards = []
    for member in sorted(batch, key=lambda member: (decisions[member.pk].decided_at, member.pk)):
        member.call = call
        decision = decisions[member.pk]
        org = member.organisation_id
        try:
            facts = _facts(decision, member.track.fact_schema)
            key = overlap_key(member, facts.get("product_key", "") or member.title)
            stages = tuple(member.track.overlap_stages)
            computed = _computed(
                member,
                decision,
                call,
                facts,
                key,
                this_year=yearly.get(org, ZERO),
                in_overlap_group=held_in_overlap(stages, overlap.get((org, key), [])),
                budget_left=budget_left,
            )
        except Exception:
            if member.pk == application_id:
                raise
            # Another approval's problem (facts that no longer validate, say) must not hold up this one
            # and the rest of the call: nothing was written for it, and its own run reports the error.
            continue
        amount = computed.result.amount
        # What this award holds counts against the next ones, as its row (two decimals) would in the sums.
        yearly[org] = (yearly.get(org, ZERO) + amount).quantize(CENT)
        overlap.setdefault((org, key), []).append((stages, amount.quantize(CENT)))
        if budget_left is not None:
            budget_left -= amount
        awards.append(
            Award(
                application=member,
                decision=decision,
                organisation_id=org,
                call=call,
                program=call.program,
                year=call.year,
                overlap_key=key,
                overlap_stages=list(stages),
                amount=amount,
                breakdown=computed.breakdown,
                catalogue_version=call.program.catalogue_version,
            )
        )
    Award.objects.bulk_create(awards)
    return next(award for award in awards if award.application_id == application_id)


def ranking_order(awards: list[Award]) -> list[Award]:
    """Expert ranking first (average weighted score, best first; unscored last), then submission time."""

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
        None if call.budget is None else call.budget - Award.objects.filter(call=call).exclude(pk__in=ids).held()
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

"""A realistic portal at scale, for `make bench` (issue 7): organisations with their members, calls on
every program of the catalogue, applications in every state with their frozen versions, the review
tasks routing would have opened, decisions, awards computed by the engine, payments, clawbacks and
numbered letters.

Rows go in with `bulk_create`, a few thousand per INSERT, with primary keys reserved from the tables'
sequences first: receipt numbers embed the application's id, and an application points at its
current version while the version points back, so both ids must be known before either row is
written (Django's foreign keys are deferred to commit on PostgreSQL, which lets the pair go in one
transaction). 100,000 applications take about a minute on two cores. The same seed gives the same
data, except the dates, which follow today's.

What the generator made is recognisable, so `wipe()` removes it and nothing else: usernames start
with `scale-`, organisation codes (USCC characters 9 and 10) are `MB`, and calls' English titles end
with CALL_MARK. Attachments are not generated (no files), so versions list none.
"""

import random
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone, translation
from psycopg import sql

from applications import facts as facts_codec
from applications.models import (
    Application,
    ApplicationVersion,
    AuditEvent,
    Call,
    Policy,
    Program,
    State,
)
from applications.services import call_create, policy_confirm_amounts
from applications.workflow import Action
from awards.engine import Context, compute
from awards.explain import result_as_json

# The letter's snapshot exactly as `letter_issue` takes it, so generated letters re-render like real ones.
from awards.letters import letter_row
from awards.models import Award, AwardState, Clawback, Letter, LetterSequence, Payment
from awards.rules import rule_for
from portal.accounts.districts import DIVISION_TO_DISTRICT
from portal.accounts.models import (
    Commission,
    Organisation,
    OrganisationKind,
    OrganisationUserObjectPermission,
    OutboxMessage,
    Role,
    User,
)
from portal.accounts.predicates import is_admin, is_expert
from portal.accounts.uscc import make_uscc
from portal.errors import PortalError
from portal.management.commands.load_demo import DEMO_RUBRIC
from reviews.checklist import CODES
from reviews.clock import stage_due
from reviews.models import (
    AssignmentState,
    CallExpert,
    Decision,
    DecisionOutcome,
    ExpertAssignment,
    Outcome,
    ReviewTask,
    TaskKind,
    TaskState,
)

PREFIX = "scale-"
ORG_CODE_PREFIX = "MB"
CALL_MARK = " (scale data)"
PASSWORD = "scale-portal-2026"
SHANGHAI = ZoneInfo("Asia/Shanghai")
BATCH = 5000

# The demo's rubric: scale calls with expert review are scored like the demo's.
RUBRIC = DEMO_RUBRIC

# Where a call is in its life decides the mix of states of its applications: a finished round is
# decided, the round under review has a backlog at every stage, an open round is mostly drafts.
PAST, REVIEW, OPEN = "past", "review", "open"
CALL_SHARE = {PAST: 35, REVIEW: 50, OPEN: 15}
STATE_MIX = {
    PAST: {State.APPROVED: 50, State.REJECTED: 28, State.WITHDRAWN: 9, State.DRAFT: 8, State.RETURNED: 5},
    REVIEW: {
        State.SUBMITTED: 8,
        State.FORMAL_CHECK: 6,
        State.RETURNED: 4,
        State.DEPARTMENT_REVIEW: 20,
        State.EXPERT_REVIEW: 5,
        State.APPROVED: 40,
        State.REJECTED: 12,
        State.WITHDRAWN: 5,
    },
    OPEN: {State.DRAFT: 55, State.SUBMITTED: 30, State.FORMAL_CHECK: 10, State.WITHDRAWN: 5},
}
AWARD_MIX = {
    PAST: {
        AwardState.CONFIRMED: 7,
        AwardState.LETTER_ISSUED: 25,
        AwardState.DISBURSED: 65,
        AwardState.CLAWED_BACK: 3,
    },
    REVIEW: {AwardState.COMPUTED: 80, AwardState.PUBLICITY: 20},
}
STAGE_OF_TASK = {
    TaskKind.FORMAL_CHECK: "formal_check",
    TaskKind.OPINION: "department_review",
    TaskKind.BUDGET: "budget_confirmation",
}
LETTERED = {AwardState.LETTER_ISSUED, AwardState.DISBURSED, AwardState.CLAWED_BACK}

# (USCC registration prefix, kind): companies, public institutions, private non-enterprise units.
KINDS = [("91", OrganisationKind.ENTERPRISE)] * 18 + [
    ("12", OrganisationKind.PUBLIC_INSTITUTION),
    ("52", OrganisationKind.PRIVATE_NON_ENTERPRISE),
]
# Pudong (Zhangjiang) holds most of Shanghai's biomedical firms.
DIVISIONS = ["310115"] * 8 + ["310141"] * 2 + [d for d in DIVISION_TO_DISTRICT if d not in ("310115", "310141")]
PLACES = [
    "张江",
    "临港",
    "漕河泾",
    "紫竹",
    "外高桥",
    "金桥",
    "松江",
    "奉贤",
    "嘉定",
    "闵行",
    "徐汇",
    "静安",
    "青浦",
    "宝山",
    "普陀",
    "长宁",
    "虹口",
    "杨浦",
    "金山",
    "崇明",
]
CORES = [
    "华创",
    "康辰",
    "瑞博",
    "恒信",
    "博济",
    "联康",
    "君合",
    "睿智",
    "百奥",
    "迈德",
    "赛诺",
    "和元",
    "复宏",
    "泽润",
    "凯茂",
    "艾力",
    "天境",
    "开拓",
    "微创",
    "澳华",
    "益诺",
    "药明",
    "昊海",
    "申联",
    "普康",
    "医诺",
    "锦泰",
    "达安",
    "景峰",
    "安领",
    "科华",
    "宏成",
    "信立",
    "柏盛",
    "璞慧",
    "和誉",
    "启德",
    "盟科",
    "凌科",
    "嘉和",
]
FORMS = [
    "生物科技有限公司",
    "医药科技有限公司",
    "医疗器械有限公司",
    "生物医药股份有限公司",
    "生物技术有限公司",
    "医药有限公司",
    "基因科技有限公司",
    "细胞治疗有限公司",
]
PRODUCTS = {
    "drug": ["注射液", "片", "胶囊", "单抗注射液", "细胞注射液", "口服溶液"],
    "device": ["手术机器人", "体外诊断试剂盒", "可吸收支架", "影像系统", "介入导管", "人工晶体"],
    "project": ["产业化项目", "数字化车间", "CDMO平台建设", "临床试验服务平台", "智能工厂改造", "国际化推广"],
}
REJECTION_REASONS = [
    "研发投入审计报告与申报数据不一致。 The audited R&D spending does not match the figures filed.",
    "项目尚未达到申报的里程碑。 The project has not reached the milestone filed.",
    "同一产品已在其他事项获得支持。 The same product is already funded under another program.",
]


@dataclass
class Counts:
    organisations: int = 0
    users: int = 0
    calls: int = 0
    applications: int = 0
    states: dict = field(default_factory=lambda: defaultdict(int))
    versions: int = 0
    tasks: int = 0
    decisions: int = 0
    awards: int = 0
    letters: int = 0
    events: int = 0


def generated_organisations():
    return Organisation.objects.filter(uscc__regex=rf"^.{{8}}{ORG_CODE_PREFIX}")


def generated_calls():
    return Call.objects.filter(title_en__endswith=CALL_MARK)


def exists() -> bool:
    return User.objects.filter(username__startswith=PREFIX).exists() or generated_organisations().exists()


# --- removing ---------------------------------------------------------------------------------------


def wipe() -> None:
    """Remove what `generate` wrote (and what hangs off it), leaving other rows alone."""
    from applications.models import Attachment
    from awards.models import Export, Objection

    if not settings.DEBUG:
        raise ValueError("generated data is removed from development and benchmark databases only (DEBUG on)")

    def table(model) -> sql.Identifier:
        return sql.Identifier(model._meta.db_table)

    def ids(model, column: str, within) -> sql.Composed:
        return sql.SQL("SELECT id FROM {} WHERE {} IN ({})").format(table(model), sql.Identifier(column), within)

    organisations = sql.SQL("SELECT id FROM {} WHERE substr(uscc, 9, 2) = {}").format(
        table(Organisation), sql.Literal(ORG_CODE_PREFIX)
    )
    apps = ids(Application, "organisation_id", organisations)
    awards, versions = ids(Award, "application_id", apps), ids(ApplicationVersion, "application_id", apps)
    # Children before parents; each (model, column, ids the column must be in).
    steps = [
        (OutboxMessage, "event_id", ids(AuditEvent, "application_id", apps)),
        (AuditEvent, "application_id", apps),
        (Letter, "application_id", apps),
        (Payment, "award_id", awards),
        (Clawback, "award_id", awards),
        (Objection, "award_id", awards),
        (Award, "application_id", apps),
        (Decision, "application_id", apps),
        (ExpertAssignment, "application_id", apps),
        (ReviewTask, "application_id", apps),
        (ApplicationVersion.attachments.through, "applicationversion_id", versions),
        (Attachment, "application_id", apps),
    ]

    def delete(cursor, model, column, within) -> None:
        cursor.execute(sql.SQL("DELETE FROM {} WHERE {} IN ({})").format(table(model), sql.Identifier(column), within))

    with transaction.atomic(), connection.cursor() as cursor:
        # The audit log refuses deletes (a trigger); generated events go with their generated
        # applications, so the trigger is off for this transaction only (ALTER TABLE is transactional).
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [AuditEvent._meta.db_table],
        )
        triggers = [sql.Identifier(row[0]) for row in cursor.fetchall()]
        # Foreign keys checked row by row: a table with deferred checks pending cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name in triggers:
            cursor.execute(sql.SQL("ALTER TABLE {} DISABLE TRIGGER {}").format(table(AuditEvent), name))
        for step in steps[:2]:
            delete(cursor, *step)
        for name in triggers:
            cursor.execute(sql.SQL("ALTER TABLE {} ENABLE TRIGGER {}").format(table(AuditEvent), name))
        for step in steps[2:]:
            delete(cursor, *step)
        cursor.execute(
            sql.SQL("UPDATE {} SET current_version_id = NULL WHERE id IN ({})").format(table(Application), apps)
        )
        delete(cursor, ApplicationVersion, "application_id", apps)
        delete(cursor, Application, "id", apps)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # back to how Django declares its foreign keys
        users = User.objects.filter(username__startswith=PREFIX)
        Export.objects.filter(requested_by__in=users).delete()
        calls = generated_calls().filter(applications__isnull=True, awards__isnull=True)
        CallExpert.objects.filter(call__in=calls).delete()
        calls.delete()
        OrganisationUserObjectPermission.objects.filter(user__in=users).delete()
        User.objects.filter(organisation__in=generated_organisations()).update(organisation=None)
        users.delete()
        generated_organisations().delete()
        # Letter numbers carry on from the highest letter left, so they stay gapless.
        for sequence in LetterSequence.objects.all():
            last = Letter.objects.filter(commission_id=sequence.commission_id, year=sequence.year).aggregate(
                n=Max("number")
            )["n"]
            LetterSequence.objects.filter(pk=sequence.pk).update(last=last or 0)


# --- helpers ----------------------------------------------------------------------------------------


@contextmanager
def _timestamps_as_given(*models):
    """bulk_create stamps auto_now(_add) fields with the present; generated history keeps its dates."""
    fields = [
        (f, f.auto_now, f.auto_now_add) for m in models for f in m._meta.concrete_fields if hasattr(f, "auto_now")
    ]
    for f, _now, _add in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, add in fields:
            f.auto_now, f.auto_now_add = now, add


def _reserve_ids(model, n: int) -> list[int]:
    if n == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
        return [row[0] for row in cursor.fetchall()]


def _pick(rng: random.Random, mix: dict):
    return rng.choices(list(mix), weights=list(mix.values()))[0]


def _uscc(rng: random.Random, i: int) -> tuple[str, str, str]:
    prefix, kind = rng.choice(KINDS)
    division = rng.choice(DIVISIONS)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the USCC's characters (no I, O, S, V, Z)
    serial, digits = i, []
    for _ in range(7):
        serial, digit = divmod(serial, len(alphabet))
        digits.append(alphabet[digit])
    return make_uscc(f"{prefix}{division}{ORG_CODE_PREFIX}{''.join(reversed(digits))}"), kind, division


def _names(rng: random.Random, n: int) -> list[str]:
    combos = [f"上海{p}{c}{f}" for p in PLACES for c in CORES for f in FORMS]
    rng.shuffle(combos)
    return [combos[i] if i < len(combos) else f"{combos[i % len(combos)]}第{i // len(combos)}分公司" for i in range(n)]


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    if end <= start:
        return start
    return start + timedelta(seconds=rng.uniform(0, (end - start).total_seconds()))


@cache
def _due(stage: str, start: date, deadlines: tuple) -> date:
    class _Program:
        stage_days: dict = {}

    class _Call:
        stage_deadlines = dict(deadlines)
        program = _Program

    return stage_due(_Call, stage, start)


def _product_kind(program: Program) -> str:
    if "DEVICE" in program.code or "FIRST-SET" in program.code:
        return "device"
    if "DRUG" in program.code or "TRIAL" in program.code or "WHO" in program.code:
        return "drug"
    return "project"


# --- facts ------------------------------------------------------------------------------------------


def _facts(rng: random.Random, program: Program, track, milestone: date, key: str) -> dict:
    """Typed facts that satisfy the track's conditions, as the form would clean them."""
    wanted = {c["fact"]: c for c in track.conditions if "fact" in c}
    facts = {}
    for definition in track.fact_schema:
        name, kind = definition["name"], definition["kind"]
        if definition.get("optional") and rng.random() < 0.5:
            continue
        if kind == "money":
            facts[name] = Decimal(rng.randrange(500_000, 80_000_000, 1000))
        elif kind == "bool":
            facts[name] = wanted.get(name, {}).get("test") != "is_false"
        elif kind == "choice":
            allowed = wanted.get(name, {}).get("values") or [c["value"] for c in definition["choices"]]
            facts[name] = rng.choice(allowed)
        elif kind == "multichoice":
            values = [c["value"] for c in definition["choices"]]
            facts[name] = sorted(rng.sample(values, rng.randint(1, 2)))
        elif kind == "date":
            facts[name] = milestone
        else:
            facts[name] = key
    return facts


def _typed(facts: dict) -> dict:
    """What the application form leaves in `draft_facts`: everything as typed (strings)."""
    return {
        k: v if isinstance(v, list) else ("true" if v else "false") if isinstance(v, bool) else str(v)
        for k, v in facts_codec.dump(facts).items()
    }


# --- calls and people ---------------------------------------------------------------------------------


def _calls(today: date, admin: User) -> list[tuple[Call, str]]:
    """Finished rounds of the last three years, this year's round under review and an open round,
    on every program whose policy is in force on the round's dates."""
    for policy in Policy.objects.filter(amounts_verified=False):
        # As the demo administrator does: a call opens only on amounts an administrator confirmed.
        against = f"{policy.document_number or policy.code} (scale data)"
        policy_confirm_amounts(policy_code=policy.code, by=admin, against=against)
    made = []
    programs = Program.objects.select_related("policy", "lead").prefetch_related("tracks").order_by("code")
    for program in programs:
        if not program.is_grant:
            continue  # the scale data is of money: a recognition has no award, budget or letter to measure
        if any(c.get("test") == "registered" for t in program.tracks.all() for c in t.conditions):
            continue  # its money needs an entry of a register, which the scale data does not generate
        expert = "DRUG-INNOVATIVE" in program.code
        terms = (
            {"*": {"rate": "0.30", "cap": "5000000"}}
            if any(t.rate is None or t.clause_cap is None for t in program.tracks.all())
            else {}
        )
        rounds = [(y, _at(date(y, 3, 1)), _at(date(y, 5, 31), 17), PAST) for y in range(today.year - 3, today.year)]
        rounds += [
            (today.year, _at(today - timedelta(days=180)), _at(today - timedelta(days=60), 17), REVIEW),
            (today.year, _at(today - timedelta(days=20)), _at(today + timedelta(days=30), 17), OPEN),
        ]
        for year, opens, closes, stage in rounds:
            if not (program.policy.in_force_on(opens.date()) and program.policy.in_force_on(closes.date())):
                continue
            label = {PAST: "", REVIEW: "", OPEN: " (second round)"}[stage]
            call = call_create(
                program=program,
                year=year,
                title_en=f"{year} call{label}: {program.title_en}{CALL_MARK}",
                title_zh=f"{year}年度{program.title_zh}{'（第二批）' if stage == OPEN else ''}项目申报",
                opens_at=opens,
                closes_at=closes,
                budget=None,  # set once the number of applications is known
                uses_expert_review=expert,
                rubric=RUBRIC if expert else None,
                track_terms=terms,
                stage_deadlines={"formal_check": 5, "department_review": 15, "expert_review": 10},
            )
            made.append((call, stage))
    return made


def _staff(password: str) -> dict:
    staff = []
    for commission in Commission.objects.order_by("code"):
        role = Role.FINANCE if commission.confirms_budget else Role.OFFICER
        for k in range(1, 4):
            name = f"{PREFIX}{role}-{commission.code.lower()}-{k}"
            staff.append(
                User(
                    username=name,
                    email=f"{name}@example.gov.cn",
                    role=role,
                    commission=commission,
                    first_name=f"{commission.code} officer {k}",
                    password=password,
                )
            )
    staff.append(
        User(
            username=f"{PREFIX}admin",
            email="scale-admin@example.gov.cn",
            role=Role.ADMIN,
            is_staff=True,
            first_name="Administrator",
            password=password,
        )
    )
    staff += [
        User(
            username=f"{PREFIX}expert-{k:02d}",
            email=f"scale-expert-{k:02d}@example.edu.cn",
            role=Role.EXPERT,
            first_name=f"Expert {k}",
            password=password,
        )
        for k in range(1, 21)
    ]
    User.objects.bulk_create(staff)
    by_commission = defaultdict(list)
    for user in staff:
        if user.commission_id:
            by_commission[user.commission_id].append(user)
    return {
        "officers": by_commission,
        "admin": next(u for u in staff if is_admin(u)),
        "experts": [u for u in staff if is_expert(u)],
    }


def _organisations(rng: random.Random, n: int, password: str, now: datetime):
    names = _names(rng, n)
    organisations = []
    for i in range(n):
        code, kind, division = _uscc(rng, i)
        organisations.append(
            Organisation(
                uscc=code,
                name=names[i],
                kind=kind,
                district=DIVISION_TO_DISTRICT[division],
                contact_name=f"联系人{i}",
                contact_phone=f"+86 21 5{i % 10000000:07d}",
                contact_email=f"grants{i}@example.com",
                created_at=now - timedelta(days=rng.randint(400, 3000)),
            )
        )
    Organisation.objects.bulk_create(organisations, batch_size=BATCH)
    members, admins = [], []
    for i, organisation in enumerate(organisations):
        for k in range(1 if rng.random() < 0.5 else 2):
            name = f"{PREFIX}org{i:05d}-{k + 1}"
            user = User(
                username=name,
                email=f"{name}@example.com",
                role=Role.ENTERPRISE,
                organisation=organisation,
                is_org_admin=k == 0,
                first_name=f"Member {k + 1}",
                password=password,
                email_verified_at=now,
            )
            members.append(user)
            if k == 0:
                admins.append(user)
    User.objects.bulk_create(members, batch_size=BATCH)
    apply_for = Permission.objects.get(content_type__app_label="portal", codename="apply_for")
    manage_team = Permission.objects.get(content_type__app_label="portal", codename="manage_team")
    grants = [
        OrganisationUserObjectPermission(user=u, permission=apply_for, content_object_id=u.organisation_id)
        for u in members
    ]
    grants += [
        OrganisationUserObjectPermission(user=u, permission=manage_team, content_object_id=u.organisation_id)
        for u in admins
    ]
    OrganisationUserObjectPermission.objects.bulk_create(grants, batch_size=BATCH)
    first_member = {u.organisation_id: u for u in reversed(members)}
    return organisations, first_member, len(members)


# --- applications -----------------------------------------------------------------------------------


class _Batch:
    """One batch of applications and everything hanging off them, written with COPY: several times
    faster than INSERTs for these row counts, and the constraints still check every row."""

    ORDER = [
        Application,
        ApplicationVersion,
        ReviewTask,
        ExpertAssignment,
        Decision,
        Award,
        Payment,
        Clawback,
        Letter,
        AuditEvent,
    ]

    def __init__(self):
        self.rows = defaultdict(list)

    def add(self, row) -> None:
        self.rows[type(row)].append(row)

    def write(self) -> None:
        with transaction.atomic():
            for model in self.ORDER:
                rows = self.rows[model]
                # COPY returns no ids: take them from the sequence, then let rows pick up the ids of the
                # rows they point at (an award its decision, a payment its award).
                for obj, pk in zip(
                    (r for r in rows if r.pk is None), _reserve_ids(model, sum(r.pk is None for r in rows)), strict=True
                ):
                    obj.pk = pk
                for obj in rows:
                    obj._prepare_related_fields_for_save(operation_name="copy")
                _copy(model, rows)


def _copy(model, rows) -> None:
    if not rows:
        return
    fields = model._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for obj in rows:
            copy.write_row([f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields])


class _Generator:
    def __init__(self, rng, today, now, calls, staff, organisations, first_member, counts):
        self.rng, self.today, self.now = rng, today, now
        self.calls, self.staff, self.counts = calls, staff, counts
        self.organisations, self.first_member = organisations, first_member
        self.budget = list(Commission.objects.filter(confirms_budget=True).values_list("pk", flat=True))
        self.held_year = defaultdict(Decimal)  # (organisation, program, year) -> awarded
        self.held_call = defaultdict(Decimal)
        self.letter_numbers = defaultdict(int)
        self.experts = {}
        self.serial = 0

    def officer(self, commission_id):
        return self.rng.choice(self.staff["officers"][commission_id])

    def task(
        self,
        batch,
        app,
        version,
        commission_id,
        kind,
        start: date,
        *,
        lead=False,
        state=TaskState.OPEN,
        outcome="",
        done_at=None,
        assigned=None,
        reasons="",
        checklist=None,
    ):
        by = self.officer(commission_id) if state == TaskState.DONE else None
        batch.add(
            ReviewTask(
                application_id=app.pk,
                version_id=version.pk,
                commission_id=commission_id,
                kind=kind,
                is_lead=lead,
                state=state,
                assigned_to=assigned or by,
                due_on=_due(STAGE_OF_TASK[kind], start, app.call.deadlines),
                outcome=outcome,
                reasons=reasons,
                checklist=checklist or {},
                created_at=_at(start, 10),
                completed_at=done_at if state == TaskState.DONE else None,
                completed_by=by,
            )
        )
        self.counts.tasks += 1

    def application(self, batch, app_id: int, version_id: int, call: Call, stage: str, organisation) -> None:
        rng, program = self.rng, call.program
        state = _pick(rng, STATE_MIX[stage])
        if state == State.EXPERT_REVIEW and not call.uses_expert_review:
            state = State.DEPARTMENT_REVIEW
        track = rng.choice(list(program.tracks.all()))
        creator = self.first_member[organisation.pk]
        end = min(call.closes_at, self.now - timedelta(hours=2))
        created = _between(rng, call.opens_at, call.opens_at + (end - call.opens_at) * 0.7)
        submitted = _between(rng, created, end)
        milestone = max(program.policy.funding_starts, call.opens_at.date() - timedelta(days=rng.randint(20, 400)))
        self.serial += 1
        kind = _product_kind(program)
        key = f"{'CXHL' if kind == 'drug' else 'GXZC' if kind == 'device' else 'XM'}{call.year % 100}{self.serial:06d}"
        title = f"{organisation.name[2:4]}-{self.serial % 1000:03d} {rng.choice(PRODUCTS[kind])}"
        facts = _facts(rng, program, track, milestone, key)
        rule = rule_for(track, call)
        estimate = compute(rule, facts, Context())
        lead = program.lead_id
        app = Application(
            pk=app_id,
            organisation=organisation,
            call=call,
            track=track,
            created_by=creator,
            state=state,
            title=title,
            draft_facts=_typed(facts),
            estimated_amount=estimate.amount,
            created_at=created,
            updated_at=created,
        )
        self.counts.applications += 1
        self.counts.states[state] += 1
        batch.add(app)
        if state == State.DRAFT:
            return
        app.receipt_number = f"{call.year}-{program.lead.code}-{app_id:06d}"
        app.first_submitted_at = submitted
        app.current_version_id = version_id
        version = ApplicationVersion(
            pk=version_id,
            application_id=app_id,
            number=1,
            title=title,
            facts=facts_codec.dump(facts),
            product_key=key,
            milestone_date=milestone,
            estimate={"amount": str(estimate.amount), "eligible": estimate.eligible},
            catalogue_version=program.catalogue_version,
            submitted_at=submitted,
            submitted_by=creator,
        )
        batch.add(version)
        self.counts.versions += 1
        self.event(batch, app, creator, Action.SUBMIT, State.DRAFT, State.SUBMITTED, submitted, version)
        day = submitted.date()
        last = submitted
        if state == State.WITHDRAWN:
            self.task(batch, app, version, lead, TaskKind.FORMAL_CHECK, day, lead=True, state=TaskState.CANCELLED)
            last = _between(rng, submitted, min(submitted + timedelta(days=20), self.now))
            self.event(
                batch,
                app,
                creator,
                Action.WITHDRAW,
                State.SUBMITTED,
                State.WITHDRAWN,
                last,
                version,
                reason="项目计划调整。 The project plan changed.",
            )
        elif state == State.SUBMITTED:
            self.task(batch, app, version, lead, TaskKind.FORMAL_CHECK, day, lead=True)
        elif state == State.FORMAL_CHECK:
            officer = self.officer(lead)
            self.task(batch, app, version, lead, TaskKind.FORMAL_CHECK, day, lead=True, assigned=officer)
            last = _between(rng, submitted, min(submitted + timedelta(days=5), self.now))
            self.event(
                batch, app, officer, Action.START_FORMAL_CHECK, State.SUBMITTED, State.FORMAL_CHECK, last, version
            )
        elif state == State.RETURNED:
            last = _between(rng, submitted, min(submitted + timedelta(days=7), self.now))
            checklist = {code: code != "documents" for code in CODES}
            reason = "审计报告缺少盖章页。 The audit report lacks its stamped page."
            self.task(
                batch,
                app,
                version,
                lead,
                TaskKind.FORMAL_CHECK,
                day,
                lead=True,
                state=TaskState.DONE,
                outcome=Outcome.RETURNED,
                done_at=last,
                reasons=reason,
                checklist=checklist,
            )
            self.event(
                batch,
                app,
                self.officer(lead),
                Action.RETURN_FOR_CORRECTION,
                State.FORMAL_CHECK,
                State.RETURNED,
                last,
                version,
                reason=reason,
            )
        else:
            last = self.reviewed(batch, app, version, call, state, submitted, facts, track, rule)
        app.updated_at = last

    def reviewed(self, batch, app, version, call, state, submitted, facts, track, rule) -> datetime:
        """Formal check passed, opinions and budget asked for; then experts, or a decision."""
        rng, program = self.rng, call.program
        lead = program.lead_id
        checked = _between(rng, submitted + timedelta(days=1), min(submitted + timedelta(days=7), self.now))
        self.task(
            batch,
            app,
            version,
            lead,
            TaskKind.FORMAL_CHECK,
            submitted.date(),
            lead=True,
            state=TaskState.DONE,
            outcome=Outcome.PASSED,
            done_at=checked,
            checklist=dict.fromkeys(CODES, True),
        )
        self.event(
            batch,
            app,
            self.officer(lead),
            Action.PASS_FORMAL_CHECK,
            State.FORMAL_CHECK,
            State.DEPARTMENT_REVIEW,
            checked,
            version,
        )
        decided = state in (State.APPROVED, State.REJECTED)
        if decided:
            latest = self.now - timedelta(hours=3)
            decided_at = min(_between(rng, max(call.closes_at, checked), call.closes_at + timedelta(days=60)), latest)
            decided_at = max(decided_at, checked + timedelta(hours=1))
        reviewers = [lead, *[c.pk for c in program.co_reviewers.all() if c.pk not in self.budget]]
        for commission in reviewers:
            done = decided or (commission == lead and state == State.EXPERT_REVIEW) or rng.random() < 0.4
            outcome = Outcome.OBJECT if state == State.REJECTED and commission == lead else Outcome.SUPPORT
            when = _between(rng, checked, decided_at if decided else min(checked + timedelta(days=20), self.now))
            self.task(
                batch,
                app,
                version,
                commission,
                TaskKind.OPINION,
                checked.date(),
                lead=commission == lead,
                state=TaskState.DONE if done else TaskState.OPEN,
                outcome=outcome if done else "",
                done_at=when,
            )
        for commission in self.budget:
            done = decided or rng.random() < 0.3
            when = _between(rng, checked, decided_at if decided else min(checked + timedelta(days=20), self.now))
            self.task(
                batch,
                app,
                version,
                commission,
                TaskKind.BUDGET,
                checked.date(),
                state=TaskState.DONE if done else TaskState.OPEN,
                outcome=Outcome.CONFIRMED if done else "",
                done_at=when,
            )
        if state == State.EXPERT_REVIEW or (decided and call.uses_expert_review):
            self.expert_review(batch, app, version, call, checked, scored=decided)
        if not decided:
            return checked
        officer = self.officer(lead)
        rejected = state == State.REJECTED
        decision = Decision(
            application=app,
            version=version,
            outcome=DecisionOutcome.REJECTED if rejected else DecisionOutcome.APPROVED,
            reasons=rng.choice(REJECTION_REASONS) if rejected else "",
            decided_by=officer,
            decided_at=decided_at,
        )
        batch.add(decision)
        self.counts.decisions += 1
        self.event(
            batch,
            app,
            officer,
            Action.REJECT if rejected else Action.APPROVE,
            State.DEPARTMENT_REVIEW,
            state,
            decided_at,
            version,
            reason=decision.reasons,
        )
        if not rejected:
            self.award(batch, app, decision, call, facts, track, rule, decided_at)
        elif call in self.past_calls:
            self.letter(batch, app, decision, None, decided_at + timedelta(days=rng.randint(3, 20)))
        return decided_at

    def expert_review(self, batch, app, version, call, start: datetime, *, scored: bool) -> None:
        rng = self.rng
        for expert in rng.sample(self.experts[call.pk], 3):
            state = (
                AssignmentState.SCORED
                if scored or rng.random() < 0.3
                else rng.choice([AssignmentState.AWAITING_DECLARATION, AssignmentState.OPEN])
            )
            scores = {c["code"]: rng.randint(55, 95) for c in call.rubric} if state == AssignmentState.SCORED else {}
            weighted = (
                sum(Decimal(scores[c["code"]]) * c["weight"] for c in call.rubric) / Decimal(100) if scores else None
            )
            batch.add(
                ExpertAssignment(
                    application_id=app.pk,
                    version_id=version.pk,
                    expert=expert,
                    state=state,
                    declared_at=start + timedelta(days=2) if state != AssignmentState.AWAITING_DECLARATION else None,
                    scores=scores,
                    weighted_score=weighted.quantize(Decimal("0.01")) if weighted is not None else None,
                    scored_at=start + timedelta(days=5) if scores else None,
                    due_on=_due("expert_review", start.date(), call.deadlines),
                )
            )

    def award(self, batch, app, decision, call, facts, track, rule, decided_at) -> None:
        rng, program = self.rng, call.program
        key = "|".join([program.overlap_group, facts["product_key"].upper()])
        year_key = (app.organisation_id, program.pk, call.year)
        budget_left = call.budget - self.held_call[call.pk]
        context = Context(awarded_this_year=self.held_year[year_key], call_budget_left=budget_left)
        result = compute(rule, facts, context)
        breakdown = {}
        for language in ("zh-hans", "en"):
            with translation.override(language):
                breakdown[language] = result_as_json(result, track)
        breakdown["context"] = {
            "awarded_this_year": str(context.awarded_this_year),
            "awarded_in_overlap_group": "0",
            "call_budget_left": str(budget_left),
        }
        amount = result.amount
        self.held_year[year_key] += amount
        self.held_call[call.pk] += amount
        stage = PAST if call in self.past_calls else REVIEW
        state = _pick(rng, AWARD_MIX[stage])
        if amount == 0 and state in (AwardState.DISBURSED, AwardState.CLAWED_BACK):
            state = AwardState.LETTER_ISSUED
        computed_at = decided_at + timedelta(minutes=rng.randint(1, 30))
        notice_from = notice_until = confirmed_at = None
        if state != AwardState.COMPUTED:
            notice_from = min(computed_at.date() + timedelta(days=rng.randint(1, 20)), self.today)
            notice_until = notice_from + timedelta(days=7)
        if stage == PAST:
            confirmed_at = _at(notice_until + timedelta(days=1), 10)
        award = Award(
            application_id=app.pk,
            decision=decision,
            organisation_id=app.organisation_id,
            call=call,
            program=program,
            year=call.year,
            overlap_key=key,
            overlap_stages=list(track.overlap_stages),
            amount=amount,
            breakdown=breakdown,
            catalogue_version=program.catalogue_version,
            state=state,
            computed_at=computed_at,
            notice_from=notice_from,
            notice_until=notice_until,
            confirmed_at=confirmed_at,
        )
        batch.add(award)
        self.counts.awards += 1
        finance = self.officer(self.budget[0])
        if state in (AwardState.DISBURSED, AwardState.CLAWED_BACK):
            award.paid = amount if rng.random() < 0.6 else (amount / 2).quantize(Decimal(1)) or amount
            batch.add(
                Payment(
                    award=award,
                    amount=award.paid,
                    paid_on=confirmed_at.date() + timedelta(days=30),
                    reference=f"GK{app.pk:08d}",
                    recorded_by=finance,
                    recorded_at=confirmed_at + timedelta(days=30),
                )
            )
        if state == AwardState.CLAWED_BACK:
            award.clawed_back = award.paid
            batch.add(
                Clawback(
                    award=award,
                    amount=award.paid,
                    reason="虚报研发投入。 R&D spending was overstated.",
                    fraud=False,
                    recorded_by=finance,
                    recorded_at=confirmed_at + timedelta(days=200),
                )
            )
        if state in LETTERED:
            self.letter(batch, app, decision, award, confirmed_at + timedelta(days=1))

    def letter(self, batch, app, decision, award, issued: datetime) -> None:
        lead = app.call.program.lead
        sequence = (lead.pk, issued.year)
        self.letter_numbers[sequence] += 1
        number = self.letter_numbers[sequence]
        # Numbered and snapshotted by the service's own builder; the PDF is not rendered (the letters benchmark does).
        batch.add(letter_row(decision=decision, award=award, number=number, issued_on=issued.date()))
        self.counts.letters += 1

    def event(self, batch, app, actor, action, source, target, at, version, *, reason="") -> None:
        batch.add(
            AuditEvent(
                application_id=app.pk,
                actor=actor,
                action=action,
                from_state=source,
                to_state=target,
                version=version,
                reason=reason,
                at=at,
            )
        )
        self.counts.events += 1


def generate(
    *, organisations: int = 5000, applications: int = 100_000, seed: int = 2026, log: Callable[[str], None] = print
) -> Counts:
    """Write the data set. Refuses when generated data is already there (`wipe()` first)."""
    if exists():
        raise ValueError("scale data is already present; wipe it first")
    if not Program.objects.exists():
        raise ValueError("the catalogue is not loaded (manage.py load_catalogue)")
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    counts = Counts()
    password = make_password(PASSWORD, salt=f"scale{seed}")
    models = [Organisation, CallExpert]
    with _timestamps_as_given(*models):
        with transaction.atomic():
            staff = _staff(password)
            calls = _calls(today, staff["admin"])
            orgs, first_member, members = _organisations(rng, organisations, password, now)
        counts.calls, counts.organisations = len(calls), len(orgs)
        counts.users = members + User.objects.filter(username__startswith=PREFIX, organisation=None).count()
        log(f"{len(orgs)} organisations, {counts.users} users, {len(calls)} calls")
        _applications(rng, today, now, calls, staff, orgs, first_member, applications, counts, log)
    for (commission_id, year), last in _letter_sequences().items():
        LetterSequence.objects.update_or_create(commission_id=commission_id, year=year, defaults={"last": last})
    with connection.cursor() as cursor:
        # What autovacuum gives a live database: statistics, and the visibility map that lets counts
        # use index-only scans (VACUUM cannot run inside a transaction, as in tests).
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return counts


def _letter_sequences() -> dict:
    rows = Letter.objects.values_list("commission_id", "year").annotate(last=Max("number")).order_by()
    return {(c, y): last for c, y, last in rows}


def _applications(rng, today, now, calls, staff, orgs, first_member, n, counts, log) -> None:
    # A few large organisations file hundreds of applications, most file a handful (Zipf-like).
    org_weights = [1 / (rank + 1) ** 0.7 for rank in range(len(orgs))]
    by_stage = defaultdict(list)
    for call, stage in calls:
        by_stage[stage].append(call)
    shares = {s: CALL_SHARE[s] for s in by_stage}
    call_weights = [shares[stage] / len(by_stage[stage]) for _call, stage in calls]
    picked_calls = rng.choices(range(len(calls)), weights=call_weights, k=n)
    per_call = defaultdict(int)
    for i in picked_calls:
        per_call[i] += 1
    for i, (call, _stage) in enumerate(calls):
        # Enough for most approvals; the latest ones of a busy round meet an exhausted budget.
        call.budget = Decimal(max(per_call[i], 1) * 3_000_000)
        Call.objects.filter(pk=call.pk).update(budget=call.budget)
    programs = {
        p.pk: p
        for p in Program.objects.select_related("policy", "lead").prefetch_related("tracks__program", "co_reviewers")
    }
    for call, _stage in calls:
        call.program = programs[call.program_id]
        call.deadlines = tuple(sorted(call.stage_deadlines.items()))
        # One time zone for every comparison: mixed zones make each one convert.
        call.opens_at, call.closes_at = call.opens_at.astimezone(UTC), call.closes_at.astimezone(UTC)
    generator = _Generator(rng, today, now, calls, staff, orgs, first_member, counts)
    generator.past_calls = {c for c, s in calls if s == PAST}
    invited = []
    for call, _stage in calls:
        if call.uses_expert_review:
            generator.experts[call.pk] = rng.sample(staff["experts"], 8)
            invited += [
                CallExpert(call=call, expert=e, invited_by=staff["admin"], invited_at=call.opens_at)
                for e in generator.experts[call.pk]
            ]
    CallExpert.objects.bulk_create(invited)
    picked_orgs = rng.choices(orgs, weights=org_weights, k=n)
    for start in range(0, n, BATCH):
        size = min(BATCH, n - start)
        app_ids = _reserve_ids(Application, size)
        version_ids = _reserve_ids(ApplicationVersion, size)
        batch = _Batch()
        for j in range(size):
            call, stage = calls[picked_calls[start + j]]
            generator.application(batch, app_ids[j], version_ids[j], call, stage, picked_orgs[start + j])
        batch.write()
        log(f"applications: {start + size}/{n}")
    # Python-side checks of the first rows cost little and catch a catalogue the generator no longer fits.
    sample = ApplicationVersion.objects.filter(application__organisation__in=orgs[:50]).select_related(
        "application__call__program", "application__track"
    )[:20]
    for version in sample:
        try:
            facts_codec.load(version.application.track.fact_schema, version.facts)
        except PortalError as error:
            raise ValueError(f"generated facts do not validate: {error.errors}") from error

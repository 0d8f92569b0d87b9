"""Reads for administrators and auditors: the award report with its filters and totals, the
dashboard's figures, and the open-data list. Exports (`exports.py`) read through these too."""

from collections.abc import Callable
from decimal import Decimal

import django_filters
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, DateTimeField, F, Func, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from applications.models import Application, ApplicationVersion, Call, Policy, Program, State
from awards.models import HOLDING, Award, AwardState, held_amount
from portal.accounts.districts import DISTRICT_CHOICES
from portal.accounts.models import Commission
from portal.accounts.predicates import is_admin
from portal.errors import refuse
from reviews.models import ReviewTask, TaskState

ZERO = Decimal(0)
# Awards the public may know about: confirmed and after (never computed, on notice or overturned ones).
PUBLISHED = [AwardState.CONFIRMED, AwardState.LETTER_ISSUED, AwardState.DISBURSED, AwardState.CLAWED_BACK]


def can_view_reports(user) -> tuple[bool, str]:
    if is_admin(user):
        return True, ""
    return refuse("not_admin", str(_("Only administrators see the award reports.")))


def report_awards(user) -> QuerySet[Award]:
    if not can_view_reports(user)[0]:
        return Award.objects.none()
    return Award.objects.all()


class AwardReportFilter(django_filters.FilterSet):
    policy = django_filters.ModelChoiceFilter(
        label=_("Policy"), field_name="program__policy", queryset=Policy.objects.all()
    )
    program = django_filters.ModelChoiceFilter(label=_("Program"), queryset=Program.objects.all())
    call = django_filters.ModelChoiceFilter(label=_("Call"), queryset=Call.objects.select_related("program"))
    commission = django_filters.ModelChoiceFilter(
        label=_("Lead commission"), field_name="program__lead", queryset=Commission.objects.all()
    )
    district = django_filters.ChoiceFilter(
        label=_("District"), field_name="organisation__district", choices=DISTRICT_CHOICES
    )
    year = django_filters.NumberFilter(label=_("Year"))
    state = django_filters.ChoiceFilter(label=_("State"), choices=AwardState.choices)

    class Meta:
        model = Award
        fields = ["policy", "program", "call", "commission", "district", "year", "state"]


# The columns an auditor needs, as (key, English header, Chinese header); values() keeps memory flat.
COLUMNS = [
    ("pk", "Award ID", "资助编号"),
    ("application__receipt_number", "Receipt number", "回执号"),
    ("organisation__name", "Organisation", "单位名称"),
    ("organisation__uscc", "USCC", "统一社会信用代码"),
    ("organisation__district", "District", "所属区"),
    ("program__code", "Program", "支持事项"),
    ("program__clause", "Clause", "条款"),
    ("program__policy__code", "Policy", "政策"),
    ("call__title_en", "Call", "申报批次"),
    ("year", "Year", "年度"),
    ("application__estimated_amount", "Computed at submission (CNY)", "申报时测算金额（元）"),
    ("decision__recommended_amount", "Recommended (CNY)", "建议金额（元）"),
    ("amount", "Awarded (CNY)", "核定资助金额（元）"),
    ("paid", "Paid (CNY)", "已拨付（元）"),
    ("clawed_back", "Clawed back (CNY)", "已追回（元）"),
    ("letter__reference", "Letter number", "资助决定书文号"),
    ("state", "State", "状态"),
    ("decision__decided_at", "Decided at", "决定时间"),
    ("notice_until", "Notice until", "公示截止"),
    ("confirmed_at", "Confirmed at", "确认时间"),
    ("letter__issued_on", "Letter issued on", "出具日期"),
]


# Columns the apps above add to the report, registered in their AppConfig.ready() (awards/projects: the project's
# state and end): a lookup from the award, its headers, how the page shows a value, and its kind in the XLSX.
# They join COLUMNS, so the page, the CSV and the XLSX read them as they read the award's own.
EXTRA_COLUMNS: dict[str, Callable[[object], str]] = {}
EXTRA_KINDS: dict[str, str] = {}


def add_column(key: str, en: str, zh: str, *, display: Callable[[object], str] = str, kind: str | None = None) -> None:
    if all(existing != key for existing, _en, _zh in COLUMNS):
        COLUMNS.append((key, en, zh))
    EXTRA_COLUMNS[key] = display
    if kind is not None:
        EXTRA_KINDS[key] = kind


def extra_cells(queryset: QuerySet[Award]) -> QuerySet[Award]:
    """The queryset with each registered column as an annotation `extra_<n>`, for the page's table."""
    return queryset.annotate(**{f"extra_{n}": F(key) for n, key in enumerate(EXTRA_COLUMNS)})


def extra_headers(language_is_chinese: bool) -> list[str]:
    headers = {key: (zh if language_is_chinese else en) for key, en, zh in COLUMNS}
    return [headers[key] for key in EXTRA_COLUMNS]


def extra_values(award: Award) -> list[str]:
    return [
        "—" if getattr(award, f"extra_{n}") is None else display(getattr(award, f"extra_{n}"))
        for n, display in enumerate(EXTRA_COLUMNS.values())
    ]


# Moments shown as Shanghai wall-clock time to the second: a decision at 01:30 in Shanghai is on that day,
# not on the UTC day before. PostgreSQL converts them, which also spares Python parsing 200,000 zoned
# timestamps per export.
LOCAL_TIMES = {"decision__decided_at", "confirmed_at"}


def _local_time(key: str) -> Func:
    local = Func(Value(settings.TIME_ZONE), F(key), function="timezone")
    return Func(Value("second"), local, function="date_trunc", output_field=DateTimeField())


STREAM_ROWS = 1000  # rows psycopg takes from the server at a time


def report_rows(queryset: QuerySet[Award], *, chinese_titles: bool = False):
    """Plain tuples in COLUMNS order, streamed (constant memory whatever the count); with `chinese_titles`, the
    call's title column holds its Chinese title.

    The queryset's SQL goes through psycopg's `stream()` rather than Django's `.iterator()`: a server-side
    cursor is planned for its first rows, is never parallel and costs a FETCH round trip per chunk; a
    streamed query is planned for all its rows, like `COPY`, and took 0.35 s instead of 0.6 s for 37,000
    awards (`make bench`). The columns need no converters: text, numbers and the local times, already
    naive wall-clock times from PostgreSQL. Nothing else may use the connection until the rows are read."""
    keys = [f"local_{key}" if key in LOCAL_TIMES else key for key, _en, _zh in COLUMNS]
    if chinese_titles:
        keys = ["call__title_zh" if key == "call__title_en" else key for key in keys]
    local = {f"local_{key}": _local_time(key) for key in LOCAL_TIMES}
    try:
        sql, params = queryset.annotate(**local).order_by("pk").values_list(*keys).query.sql_with_params()
    except EmptyResultSet:  # a filter that matches nothing by construction (an empty `in`)
        return
    with connection.cursor() as cursor:
        yield from cursor.cursor.stream(sql, params, size=STREAM_ROWS)


def totals(queryset: QuerySet[Award]) -> dict:
    return queryset.aggregate(
        count=Count("pk"),
        awarded=Coalesce(Sum("amount"), ZERO),
        paid=Coalesce(Sum("paid"), ZERO),
        clawed_back=Coalesce(Sum("clawed_back"), ZERO),
    )


def pivot(queryset: QuerySet[Award], row_field: str) -> tuple[list, list, dict]:
    """(row labels, years, {(row, year): total awarded}) for the pivot sheets and the charts."""
    cells = {}
    for entry in queryset.values(row_field, "year").annotate(total=Sum("amount")).order_by(row_field, "year"):
        cells[(entry[row_field], entry["year"])] = entry["total"]
    rows = sorted({r for r, _y in cells})
    years = sorted({y for _r, y in cells})
    return rows, years, cells


# --- dashboard ----------------------------------------------------------------------------------------

# Sections of the dashboard that the apps above own, registered in their AppConfig.ready() (awards/projects: money
# paid against committed, projects by state, acceptance outcomes): a template and the figures it shows.
DashboardSection = tuple[str, Callable[[], dict]]
_DASHBOARD_SECTIONS: list[DashboardSection] = []


def add_dashboard_section(template: str, figures: Callable[[], dict]) -> None:
    if (template, figures) not in _DASHBOARD_SECTIONS:
        _DASHBOARD_SECTIONS.append((template, figures))


def dashboard_sections() -> list[tuple[str, dict]]:
    return [(template, figures()) for template, figures in _DASHBOARD_SECTIONS]


def budget_use_by_call() -> list[dict]:
    held = Sum(held_amount("awards__"), filter=Q(awards__state__in=HOLDING))
    return list(
        Call.objects.select_related("program")
        .annotate(used=Coalesce(held, ZERO))
        .order_by("-opens_at")
        .values("pk", "title_en", "title_zh", "program__code", "budget", "used")[:50]
    )


def applications_by_stage() -> dict:
    counts = dict(Application.objects.values_list("state").annotate(n=Count("pk")).order_by())
    return {state: counts.get(state, 0) for state, _label in State.choices}


def sla_by_commission() -> list[dict]:
    """Tasks done within their working-day deadline, by commission (done tasks only)."""
    rows = (
        ReviewTask.objects.filter(state=TaskState.DONE, completed_at__isnull=False)
        .values("commission__code", "commission__name_en", "commission__name_zh")
        .annotate(done=Count("pk"), on_time=Count("pk", filter=Q(completed_at__date__lte=F("due_on"))))
        .order_by("commission__code")
    )
    return [{**row, "rate": round(100 * row["on_time"] / row["done"])} for row in rows]


def awards_by_district() -> list[tuple[str, Decimal]]:
    labels = dict(DISTRICT_CHOICES)
    totals_ = (
        Award.objects.holding().values("organisation__district").annotate(total=Sum(held_amount())).order_by("-total")
    )
    return [(str(labels.get(t["organisation__district"], t["organisation__district"])), t["total"]) for t in totals_]


def public_awards() -> QuerySet[Award]:
    return (
        Award.objects.filter(state__in=PUBLISHED)
        .select_related("organisation", "program__policy", "program__lead", "call", "letter")
        .order_by("pk")
    )


# The open data follows the 360Giving Data Standard (package schema 1.4; a copy in ../shared/schemas/360giving).
# Grant ids and the commissions' org ids carry our own 360Giving prefix: the commissions' USCCs are not held
# here, and the standard gives `360G-<publisher>-` to identifiers from the funder's own records. Recipients are
# identified by their USCC (org-id.guide's scheme for China's unified social credit code).
OPEN_DATA_PREFIX = "360G-SHBIOMED"
OPEN_DATA_LICENSE = "https://creativecommons.org/licenses/by/4.0/"


def _whole_yuan(amount: Decimal) -> int:
    """A JSON number without a float in between: the engine truncates awards to whole yuan."""
    if amount != amount.to_integral_value():
        raise ValueError(f"award amount {amount} is not whole yuan")
    return int(amount)


def open_data_record(award: Award) -> dict:
    """One award as a 360Giving grant (the package schema's required fields and those we hold); nothing
    confidential: no figures the applicant declared, no payments."""
    program, policy, lead = award.program, award.program.policy, award.program.lead
    awarded_at = award.confirmed_at or award.computed_at
    description = f"{program.kind_label_en or program.title_en}: {policy.title_en}"
    if policy.document_number:
        with translation.override("en"):  # open data speak English: "clause III.1", "area 1 (R&D) ..."
            description += f" ({policy.document_number}, {program.citation})"
    return {
        "id": f"{OPEN_DATA_PREFIX}-{award.pk}",
        "title": f"{program.code} {program.title_en}",
        "description": description,
        "currency": "CNY",
        "amountAwarded": _whole_yuan(award.amount),
        "awardDate": timezone.localtime(awarded_at).date().isoformat(),
        "recipientOrganization": [{"id": f"CN-USCC-{award.organisation.uscc}", "name": award.organisation.name}],
        "fundingOrganization": [{"id": f"{OPEN_DATA_PREFIX}-{lead.code}", "name": lead.name_en}],
        "grantProgramme": [{"code": program.code, "title": program.title_en}],
        "beneficiaryLocation": [{"name": award.organisation.get_district_display(), "countryCode": "CN"}],
        "dateModified": timezone.localtime(awarded_at).isoformat(),
        # Additional fields, which the standard allows beside its own.
        "policy": policy.document_number,
        "decisionLetter": award.letter.reference if hasattr(award, "letter") else None,
    }


# The CSV's columns: the standard's titles (the schema's `title`s, joined with ":" for a field of an object in
# a list) and where each value sits in the JSON record.
OPEN_DATA_COLUMNS = [
    ("Identifier", ("id",)),
    ("Title", ("title",)),
    ("Description", ("description",)),
    ("Currency", ("currency",)),
    ("Amount Awarded", ("amountAwarded",)),
    ("Award Date", ("awardDate",)),
    ("Recipient Org:Identifier", ("recipientOrganization", 0, "id")),
    ("Recipient Org:Name", ("recipientOrganization", 0, "name")),
    ("Funding Org:Identifier", ("fundingOrganization", 0, "id")),
    ("Funding Org:Name", ("fundingOrganization", 0, "name")),
    ("Grant Programme:Code", ("grantProgramme", 0, "code")),
    ("Grant Programme:Title", ("grantProgramme", 0, "title")),
    ("Beneficiary Location:Name", ("beneficiaryLocation", 0, "name")),
    ("Beneficiary Location:Country Code", ("beneficiaryLocation", 0, "countryCode")),
    ("Last Modified", ("dateModified",)),
]


def open_data_cells(record: dict) -> list:
    cells = []
    for _title, path in OPEN_DATA_COLUMNS:
        value = record
        for key in path:
            value = value[key]
        cells.append(value)
    return cells


# Goals of the Action Plan (policy B, SPEC §5) that the dashboard follows.
EXPORT_GOAL = Decimal(50_000_000_000)  # over 50 billion yuan of exports by 2027
OVERSEAS_SALES_BAR = Decimal(10_000_000_000)  # enterprises with overseas sales over 10 billion a year
OVERSEAS_SALES_GOAL = 2  # 2-3 such enterprises


def action_plan_indicators() -> dict:
    """From the figures organisations declared in their latest submitted version that has them."""

    def latest(fact: str) -> list[Decimal]:
        versions = (
            ApplicationVersion.objects.filter(**{"facts__has_key": fact})
            .order_by("application__organisation_id", "-submitted_at")
            .distinct("application__organisation_id")
            .values_list("facts", flat=True)
        )
        return [Decimal(str(facts[fact])) for facts in versions]

    exports_declared = latest("export_value")
    sales = latest("overseas_sales_value")
    total_exports = sum(exports_declared, ZERO)
    big = sum(1 for value in sales if value > OVERSEAS_SALES_BAR)
    return {
        "exports": total_exports,
        "exports_goal": EXPORT_GOAL,
        "exports_percent": min(100, round(100 * total_exports / EXPORT_GOAL)),
        "exports_declared_by": len(exports_declared),
        "big_sellers": big,
        "big_sellers_goal": OVERSEAS_SALES_GOAL,
    }


# --- the registers' open data (one list per recognition program, the rows of its public page) ---------------------


def register_record(entry) -> dict:
    """One entry of a public register as open data: who, what, valid from/to, its state and, once removed, when
    and why; nothing the file holds beyond the program's public facts (no receipt, no reviewer, no figure)."""
    program, organisation = entry.program, entry.organisation
    return {
        "id": f"{OPEN_DATA_PREFIX}-REG-{entry.pk}",
        "register": program.code,
        "clause": program.clause,
        "category": entry.track.title_en or None,
        "holder": {"id": f"CN-USCC-{organisation.uscc}", "name": organisation.name},
        "listed": entry.subject,
        "productKey": entry.key or None,
        "details": {f["name"]: f["value"] for f in entry.public_facts},
        "state": entry.state,
        "validFrom": entry.valid_from.isoformat() if entry.valid_from else None,
        "validTo": entry.valid_to.isoformat() if entry.valid_to else None,
        "removedOn": entry.removed_on.isoformat() if entry.removed_on else None,
        "removalReason": entry.removal_reason or None,
        "certificate": entry.certificate.reference if entry.certificate_id else None,
    }


REGISTER_COLUMNS = [
    ("Identifier", ("id",)),
    ("Register", ("register",)),
    ("Clause", ("clause",)),
    ("Category", ("category",)),
    ("Holder:Identifier", ("holder", "id")),
    ("Holder:Name", ("holder", "name")),
    ("Listed", ("listed",)),
    ("Product key", ("productKey",)),
    ("State", ("state",)),
    ("Valid from", ("validFrom",)),
    ("Valid to", ("validTo",)),
    ("Removed on", ("removedOn",)),
    ("Reason for removal", ("removalReason",)),
    ("Certificate", ("certificate",)),
]


def register_cells(record: dict) -> list:
    """The CSV row of a record: the columns above, then each public fact as "name=value"."""
    cells = []
    for _title, path in REGISTER_COLUMNS:
        value = record
        for key in path:
            value = value[key]
        cells.append(value)
    cells.append("; ".join(f"{name}={value}" for name, value in record["details"].items()))
    return cells

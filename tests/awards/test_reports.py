"""Award reports, exports, the dashboard and open data, as administrators and the public use them."""

import csv
import io
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from jsonschema import Draft202012Validator
from openpyxl import load_workbook
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from awards.exports import export_build, export_request
from awards.models import Award, Export
from tests import journeys
from tests.awards.bulk import make_awards
from tests.factories import administrator, finance_officer, officer
from tests.logins import login
from tests.paths import ROOT

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def awards(review_call, alice, admin):
    make_awards(review_call, 30, decided_by=journeys.lead_of_call(review_call), creator=alice)
    return Award.objects.filter(call=review_call)


def test_only_administrators_see_reports_and_the_dashboard(client, awards, alice, catalogue):
    for user in [alice, officer("STCSM", username="o1"), finance_officer(username="f1")]:
        login(client, user)
        for name in ["reports", "report-csv", "dashboard-admin"]:
            assert client.get(reverse(name)).status_code == 404, (user, name)


def test_report_filters_and_totals(client, awards, admin):
    login(client, admin)
    body = client.get(reverse("reports"), {"district": "pudong"}).content.decode()
    pudong = awards.filter(organisation__district="pudong")
    expected = sum(a.amount for a in pudong)
    assert f"{expected:,.0f}" in body
    assert f"<dd>{pudong.count()}</dd>" in body


def test_csv_export_streams_every_row_with_totals_matching_the_database(client, awards, admin):
    login(client, admin)
    response = client.get(reverse("report-csv"), {"year": awards.first().year})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, data = rows[0], rows[1:]
    assert "USCC / 统一社会信用代码" in header and "Letter number / 资助决定书文号" in header
    expected = awards.filter(year=awards.first().year)
    assert len(data) == expected.count()
    column = header.index("Awarded (CNY) / 核定资助金额（元）")
    assert sum(Decimal(row[column]) for row in data) == sum(a.amount for a in expected)


@pytest.mark.parametrize(
    ("language", "district", "state"),
    [("zh-hans", "浦东新区", "已出具资助决定书"), ("en", "Pudong New Area", "Decision letter issued")],
)
def test_the_csv_export_names_districts_states_and_calls_in_its_language(
    client, awards, admin, language, district, state
):
    """Issue 18: the values a person reads are names in the export's language (the page's), never the codes
    "pudong" or "letter_issued"; the call's title is in that language too."""
    award = awards.order_by("pk").first()
    Award.objects.filter(pk=award.pk).update(state="letter_issued")
    award.organisation.district = "pudong"
    award.organisation.save(update_fields=["district"])
    login(client, admin, language=language)
    text = b"".join(client.get(reverse("report-csv")).streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    row = next(r for r in rows if r[header.index("Award ID / 资助编号")] == str(award.pk))
    assert row[header.index("District / 所属区")] == district
    assert row[header.index("State / 状态")] == state
    title = award.call.title_zh if language == "zh-hans" else award.call.title_en
    assert row[header.index("Call / 申报批次")] == title
    values = {value for r in rows for value in r}
    assert not values & {"pudong", "letter_issued", "computed", "publicity"}


@pytest.mark.parametrize(
    ("language", "district", "state"),
    [("zh-hans", "浦东新区", "已出具资助决定书"), ("en", "Pudong New Area", "Decision letter issued")],
)
def test_the_xlsx_export_names_districts_states_calls_and_programs_in_the_language_it_was_asked_in(
    client, awards, admin, language, district, state, django_capture_on_commit_callbacks
):
    """Issue 18: the worker builds the file later, without a request; it writes names in the language of the page
    that asked for it, never the codes."""
    award = awards.order_by("pk").first()
    Award.objects.filter(pk=award.pk).update(state="letter_issued")
    award.organisation.district = "pudong"
    award.organisation.save(update_fields=["district"])
    login(client, admin, language=language)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("report-xlsx"))
    export = Export.objects.get(requested_by=admin)
    assert export.language == language
    export_build(export_id=export.pk)
    export.refresh_from_db()
    book = load_workbook(export.file.path, read_only=True)
    header, *rows = list(book["Awards 资助"].iter_rows(values_only=True))
    row = next(r for r in rows if r[header.index("Award ID / 资助编号")] == award.pk)
    assert row[header.index("District / 所属区")] == district
    assert row[header.index("State / 状态")] == state
    title = award.call.title_zh if language == "zh-hans" else award.call.title_en
    assert row[header.index("Call / 申报批次")] == title
    assert not {v for r in rows for v in r} & {"pudong", "letter_issued", "computed", "publicity"}
    districts = [r[0] for r in book["District x year 区×年度"].iter_rows(min_row=2, values_only=True)]
    assert district in districts and "pudong" not in districts
    programs = [r[0] for r in book["Program x year 支持事项×年度"].iter_rows(min_row=2, values_only=True)]
    program = award.application.call.program
    name = program.title_zh if language == "zh-hans" else program.title_en
    assert f"{name} ({program.code})" in programs and program.code not in programs


def test_xlsx_export_is_built_by_celery_with_pivot_sheets_that_open_in_openpyxl(
    client, awards, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        export = export_request(user=admin, kind="xlsx", filters={})
    export = export_build(export_id=export.pk)
    assert (export.state, export.rows_done) == ("done", 30)
    workbook = load_workbook(export.file.path, read_only=True)
    assert workbook.sheetnames == [
        "Awards 资助",
        "Program x year 支持事项×年度",
        "District x year 区×年度",
        "Totals 合计",
    ]
    sheet_rows = list(workbook["Awards 资助"].iter_rows(values_only=True))
    assert len(sheet_rows) == 31
    totals = {row[0]: row[1] for row in workbook["Totals 合计"].iter_rows(values_only=True)}
    assert Decimal(str(totals["Awarded 核定金额"])) == sum(a.amount for a in awards)
    pivot = list(workbook["District x year 区×年度"].iter_rows(values_only=True))
    assert sum(Decimal(str(row[-1])) for row in pivot[1:]) == sum(a.amount for a in awards)
    login(client, admin)
    assert client.get(reverse("report-export-download", args=[export.pk])).status_code == 200
    login(client, administrator(username="other-admin"))
    assert client.get(reverse("report-export-download", args=[export.pk])).status_code == 404


def test_the_export_page_shows_progress(client, admin, awards, django_capture_on_commit_callbacks):
    login(client, admin)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("report-xlsx"), {"district": "xuhui"})
    export = Export.objects.get()
    assert response["Location"] == reverse("report-export", args=[export.pk])
    assert export.filters == {"district": "xuhui"}
    assert "<progress" in client.get(response["Location"]).content.decode()


def test_dashboard_shows_budget_stages_sla_districts_and_the_action_plan_goals(
    client, admin, awards, django_assert_max_num_queries
):
    login(client, admin)
    with django_assert_max_num_queries(16):  # 15 and the header's unread count (issue 16)
        body = client.get(reverse("dashboard-admin")).content.decode()
    assert "chart-districts" in body and "vendor/chartjs/chart.umd.min.js" in body
    assert "Pudong New Area" in body and "Action Plan goals" in body


def test_open_data_lists_published_awards_without_confidential_figures(client, awards, review_call, alice):
    Award.objects.filter(pk=awards.first().pk).update(state="publicity")  # not yet public
    body = json.loads(b"".join(client.get(reverse("open-data-json")).streaming_content))
    identifiers = {g["id"] for g in body["grants"]}
    assert len(identifiers) == 29 and f"360G-SHBIOMED-{awards.first().pk}" not in identifiers
    grant = body["grants"][0]
    assert set(grant) >= {"id", "title", "description", "currency", "amountAwarded", "awardDate"}
    assert "paid" not in str(grant).lower() and "rd_spending" not in str(grant)
    csv_body = b"".join(client.get(reverse("open-data-csv")).streaming_content).decode()
    assert csv_body.count("\n") == 30  # header + 29


def test_declared_export_figures_feed_the_action_plan_indicators(review_call, alice):
    from applications.models import ApplicationVersion
    from awards.reports import action_plan_indicators

    make_awards(review_call, 2, decided_by=journeys.lead_of_call(review_call), creator=alice)
    first, second = ApplicationVersion.objects.filter(catalogue_version="bulk")[:2]
    first.facts = {"export_value": "30000000000", "overseas_sales_value": "12000000000"}
    second.facts = {"export_value": "25000000000", "overseas_sales_value": "900000000"}
    first.save()
    second.save()
    indicators = action_plan_indicators()
    assert indicators["exports"] == Decimal("55000000000") and indicators["exports_percent"] == 100
    assert indicators["big_sellers"] == 1


def test_a_name_that_looks_like_a_formula_stays_text_in_both_exports(
    client, awards, admin, django_capture_on_commit_callbacks
):
    from portal.accounts.models import Organisation

    evil = '=HYPERLINK("http://evil.example.com","Open")'
    Organisation.objects.filter(pk=awards.first().organisation_id).update(name=evil)
    with django_capture_on_commit_callbacks(execute=False):
        export = export_request(user=admin, kind="xlsx", filters={})
    export = export_build(export_id=export.pk)
    sheet = load_workbook(export.file.path)["Awards 资助"]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == evil]
    assert cells and all(cell.data_type == "s" for cell in cells)

    login(client, admin)
    text = b"".join(client.get(reverse("report-csv")).streaming_content).decode("utf-8-sig")
    values = {value for row in csv.reader(io.StringIO(text)) for value in row}
    assert "'" + evil in values and evil not in values


def test_exports_give_decision_times_in_shanghai_time(client, awards, admin, django_capture_on_commit_callbacks):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from reviews.models import Decision

    award = awards.order_by("pk").first()
    # 01:30 in Shanghai is 17:30 UTC the day before: the export must say 1 May.
    early = datetime(2026, 5, 1, 1, 30, 15, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))
    Decision.objects.filter(pk=award.decision_id).update(decided_at=early)
    login(client, admin)
    text = b"".join(client.get(reverse("report-csv")).streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    column = next(i for i, header in enumerate(rows[0]) if header.startswith("Decided at"))
    assert rows[1][column] == "2026-05-01 01:30:15"

    with django_capture_on_commit_callbacks(execute=False):
        export = export_request(user=admin, kind="xlsx", filters={})
    export = export_build(export_id=export.pk)
    sheet = load_workbook(export.file.path, read_only=True)["Awards 资助"]
    values = next(iter(sheet.iter_rows(min_row=2, max_row=2, values_only=True)))
    assert values[column].date() == early.date()


def test_report_rows_stream_exactly_what_the_orm_reads(awards):
    """report_rows reads past Django's iterator (psycopg's stream): same values, types and order."""
    from django.db.models.functions import TruncSecond

    from awards.reports import COLUMNS, LOCAL_TIMES, report_rows

    Award.objects.filter(pk=awards[0].pk).update(paid=Decimal("1234.50"))
    queryset = Award.objects.all()
    keys = [key for key, _en, _zh in COLUMNS]
    local = {f"local_{key}": TruncSecond(key, tzinfo=SHANGHAI) for key in LOCAL_TIMES}

    def naive(key, value):
        return value.replace(tzinfo=None) if key in LOCAL_TIMES and value else value

    names = [f"local_{key}" if key in LOCAL_TIMES else key for key in keys]
    read = queryset.annotate(**local).order_by("pk").values_list(*names)
    expected = [tuple(naive(key, value) for key, value in zip(keys, row, strict=True)) for row in read]
    streamed = list(report_rows(queryset))
    assert len(streamed) == len(awards) >= 3
    assert streamed == expected
    assert [list(map(type, row)) for row in streamed] == [list(map(type, row)) for row in expected]


# --- open data against the 360Giving Data Standard -----------------------------------------------------------

# The official schemas, copied beside the repository (at CI too: the clone has shared/ next to it).
SCHEMAS = ROOT.parent / "shared" / "schemas" / "360giving"


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text())


def validator() -> Draft202012Validator:
    """The package schema, its `$ref` to the grant schema resolved to the copy beside it."""
    grant = schema("360-giving-schema.json")
    package = schema("360-giving-package-schema.json")
    # Its `$schema` is draft 2020-12 by an http:// address the registry does not know: named, not detected.
    resources = [(package["properties"]["grants"]["items"]["$ref"], DRAFT202012.create_resource(grant))]
    return Draft202012Validator(
        package, registry=Registry().with_resources(resources), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def standard_title(path: tuple) -> str:
    """A field's title as the standard's spreadsheets write it: the titles along the path, joined by ":"."""
    grant = schema("360-giving-schema.json")
    titles, node = [], grant
    for key in path:
        if isinstance(key, int):  # an item of a list: its fields are those of the $ref'd definition
            node = grant["$defs"][node["items"]["$ref"].rsplit("/", 1)[1]]
            continue
        node = node["properties"][key]
        if "$ref" in node:
            node = {**grant["$defs"][node["$ref"].rsplit("/", 1)[1]], **node}
        # The currency definition carries no title; the standard's template heads its column "Currency".
        titles.append(node.get("title", key.capitalize()))
    return ":".join(titles)


@pytest.fixture
def real_awards(review_call, alice):
    """Awards made as the portal makes them: computed, published, confirmed, one with its letter issued."""
    from awards import letters
    from tests.awards.test_letters import confirmed_award

    first = confirmed_award(review_call, alice)
    letters.letter_issue(decision_id=first.decision_id)
    second = confirmed_award(review_call, alice)
    return [first, second]


def test_open_data_json_conforms_to_the_360giving_package_schema(client, real_awards):
    response = client.get(reverse("open-data-json"))
    body = json.loads(content(response))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(body)]
    assert errors == []
    assert response.streaming  # grant by grant, whatever the count
    grants = {g["id"]: g for g in body["grants"]}
    assert set(grants) == {f"360G-SHBIOMED-{award.pk}" for award in real_awards}
    for award in real_awards:
        grant = grants[f"360G-SHBIOMED-{award.pk}"]
        assert grant["amountAwarded"] == award.amount and isinstance(grant["amountAwarded"], int)
        assert grant["description"] and grant["recipientOrganization"][0]["id"] == f"CN-USCC-{award.organisation.uscc}"
        assert grant["fundingOrganization"][0]["id"] == "360G-SHBIOMED-STCSM"


def test_the_validator_finds_what_the_old_open_data_got_wrong(real_awards, client):
    """The check can fail: a grant as the portal first wrote it (identifier, no description, amount as text)."""
    body = json.loads(content(client.get(reverse("open-data-json"))))
    old = dict(body["grants"][0], identifier=body["grants"][0]["id"], amountAwarded="1000000")
    del old["id"], old["description"]
    assert list(validator().iter_errors({"grants": [old]}))


def standard_titles() -> set[str]:
    """Every field title of a grant and of the objects in its lists, as the standard's spreadsheets head them."""
    grant = schema("360-giving-schema.json")
    titles = set()
    for key, node in grant["properties"].items():
        titles.add(standard_title((key,)))
        ref = node.get("items", {}).get("$ref", "") if node.get("type") == "array" else ""
        if ref.startswith("#/$defs/"):
            titles |= {standard_title((key, 0, sub)) for sub in grant["$defs"][ref.rsplit("/", 1)[1]]["properties"]}
    return titles


# What the package schema requires of a grant to an organisation.
REQUIRED = ["id", "title", "description", "currency", "amountAwarded", "awardDate"]
ORGANISATIONS = [(org, 0, key) for org in ["recipientOrganization", "fundingOrganization"] for key in ["id", "name"]]


def test_open_data_csv_heads_its_columns_with_the_standards_titles(client, real_awards):
    response = client.get(reverse("open-data-csv"))
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header = rows[0]
    assert set(header) <= standard_titles(), set(header) - standard_titles()
    required = [standard_title((key,)) for key in REQUIRED] + [standard_title(path) for path in ORGANISATIONS]
    assert set(required) <= set(header), set(required) - set(header)
    assert "Description" in header and "Recipient Org:Identifier" in header
    body = json.loads(content(client.get(reverse("open-data-json"))))
    records = {g["id"]: g for g in body["grants"]}
    for row in rows[1:]:
        cells, grant = dict(zip(header, row, strict=True)), records[row[0]]
        assert cells["Amount Awarded"] == str(grant["amountAwarded"])
        assert cells["Description"] == grant["description"]
        assert cells["Recipient Org:Identifier"] == grant["recipientOrganization"][0]["id"]


def test_open_data_csv_cells_never_open_as_formulas(client, real_awards):
    from portal.accounts.models import Organisation

    Organisation.objects.filter(pk=real_awards[0].organisation_id).update(name='=HYPERLINK("http://x")')
    rows = list(csv.reader(io.StringIO(b"".join(client.get(reverse("open-data-csv")).streaming_content).decode())))
    names = [dict(zip(rows[0], row, strict=True))["Recipient Org:Name"] for row in rows[1:]]
    assert names and all(name.startswith("'=") for name in names)

"""Award reports, exports, the dashboard and open data, as administrators and the public use them."""

import csv
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from awards.exports import export_build, export_request
from awards.models import Award, Export
from tests import journeys
from tests.awards.bulk import make_awards
from tests.factories import administrator, finance_officer, officer

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def admin_user(db):
    return administrator(username="ops")


@pytest.fixture
def awards(drug_call, applicant, admin_user):
    make_awards(drug_call, 30, decided_by=journeys.lead_of_call(drug_call), creator=applicant)
    return Award.objects.filter(call=drug_call)


def login(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"


def test_only_administrators_see_reports_and_the_dashboard(client, awards, applicant, catalogue):
    for user in [applicant, officer("STCSM", username="o1"), finance_officer(username="f1")]:
        login(client, user)
        for name in ["reports", "report-csv", "dashboard-admin"]:
            assert client.get(reverse(name)).status_code == 404, (user, name)


def test_report_filters_and_totals(client, awards, admin_user):
    login(client, admin_user)
    body = client.get(reverse("reports"), {"district": "pudong"}).content.decode()
    pudong = awards.filter(organisation__district="pudong")
    expected = sum(a.amount for a in pudong)
    assert f"{expected:,.0f}" in body
    assert f"<dd>{pudong.count()}</dd>" in body


def test_csv_export_streams_every_row_with_totals_matching_the_database(client, awards, admin_user):
    login(client, admin_user)
    response = client.get(reverse("report-csv"), {"year": awards.first().year})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, data = rows[0], rows[1:]
    assert "USCC / 统一社会信用代码" in header and "Letter number / 资助决定书文号" in header
    expected = awards.filter(year=awards.first().year)
    assert len(data) == expected.count()
    column = header.index("Awarded (CNY) / 核定资助金额（元）")
    assert sum(Decimal(row[column]) for row in data) == sum(a.amount for a in expected)


def test_xlsx_export_is_built_by_celery_with_pivot_sheets_that_open_in_openpyxl(
    client, awards, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        export = export_request(user=admin_user, kind="xlsx", filters={})
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
    login(client, admin_user)
    assert client.get(reverse("report-export-download", args=[export.pk])).status_code == 200
    login(client, administrator(username="other-admin"))
    assert client.get(reverse("report-export-download", args=[export.pk])).status_code == 404


def test_the_export_page_shows_progress(client, admin_user, awards, django_capture_on_commit_callbacks):
    login(client, admin_user)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("report-xlsx"), {"district": "xuhui"})
    export = Export.objects.get()
    assert response["Location"] == reverse("report-export", args=[export.pk])
    assert export.filters == {"district": "xuhui"}
    assert "<progress" in client.get(response["Location"]).content.decode()


def test_dashboard_shows_budget_stages_sla_districts_and_the_action_plan_goals(
    client, admin_user, awards, django_assert_max_num_queries
):
    login(client, admin_user)
    with django_assert_max_num_queries(15):
        body = client.get(reverse("dashboard-admin")).content.decode()
    assert "chart-districts" in body and "vendor/chartjs/chart.umd.min.js" in body
    assert "Pudong New Area" in body and "Action Plan goals" in body


def test_open_data_lists_published_awards_without_confidential_figures(client, awards, drug_call, applicant):
    Award.objects.filter(pk=awards.first().pk).update(state="publicity")  # not yet public
    body = client.get(reverse("open-data-json")).json()
    identifiers = {g["identifier"] for g in body["grants"]}
    assert len(identifiers) == 29 and f"SH-BIOMED-{awards.first().pk}" not in identifiers
    grant = body["grants"][0]
    assert set(grant) >= {"identifier", "title", "currency", "amountAwarded", "awardDate", "recipientOrganization"}
    assert "paid" not in str(grant).lower() and "rd_spending" not in str(grant)
    csv_body = b"".join(client.get(reverse("open-data-csv")).streaming_content).decode()
    assert csv_body.count("\n") == 30  # header + 29


def test_declared_export_figures_feed_the_action_plan_indicators(drug_call, applicant):
    from applications.models import ApplicationVersion
    from awards.reports import action_plan_indicators

    make_awards(drug_call, 2, decided_by=journeys.lead_of_call(drug_call), creator=applicant)
    first, second = ApplicationVersion.objects.filter(catalogue_version="bulk")[:2]
    first.facts = {"export_value": "30000000000", "overseas_sales_value": "12000000000"}
    second.facts = {"export_value": "25000000000", "overseas_sales_value": "900000000"}
    first.save()
    second.save()
    indicators = action_plan_indicators()
    assert indicators["exports"] == Decimal("55000000000") and indicators["exports_percent"] == 100
    assert indicators["big_sellers"] == 1


def test_a_name_that_looks_like_a_formula_stays_text_in_both_exports(
    client, awards, admin_user, django_capture_on_commit_callbacks
):
    from portal.models import Organisation

    evil = '=HYPERLINK("http://evil.example.com","Open")'
    Organisation.objects.filter(pk=awards.first().organisation_id).update(name=evil)
    with django_capture_on_commit_callbacks(execute=False):
        export = export_request(user=admin_user, kind="xlsx", filters={})
    export = export_build(export_id=export.pk)
    sheet = load_workbook(export.file.path)["Awards 资助"]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == evil]
    assert cells and all(cell.data_type == "s" for cell in cells)

    login(client, admin_user)
    text = b"".join(client.get(reverse("report-csv")).streaming_content).decode("utf-8-sig")
    values = {value for row in csv.reader(io.StringIO(text)) for value in row}
    assert "'" + evil in values and evil not in values


def test_exports_give_decision_times_in_shanghai_time(client, awards, admin_user, django_capture_on_commit_callbacks):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from reviews.models import Decision

    award = awards.order_by("pk").first()
    # 01:30 in Shanghai is 17:30 UTC the day before: the export must say 1 May.
    early = datetime(2026, 5, 1, 1, 30, 15, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))
    Decision.objects.filter(pk=award.decision_id).update(decided_at=early)
    login(client, admin_user)
    text = b"".join(client.get(reverse("report-csv")).streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    column = next(i for i, header in enumerate(rows[0]) if header.startswith("Decided at"))
    assert rows[1][column] == "2026-05-01 01:30:15"

    with django_capture_on_commit_callbacks(execute=False):
        export = export_request(user=admin_user, kind="xlsx", filters={})
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

"""Issue 6 in headless Chromium: an administrator filters the award report, exports XLSX (built by a
real Celery worker while the page shows its progress), downloads it, and looks at the dashboard."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from awards.models import Award
from tests import journeys, personas
from tests.awards.bulk import make_awards
from tests.browser.pages import log_in, shot
from tests.calls import bio24_call
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_administrator_exports_the_filtered_report_and_sees_the_dashboard(
    browser, live_server, celery_worker_process, tmp_path
):
    from applications.catalogue import load_catalogue

    load_catalogue()
    call = bio24_call()
    creator = personas.alice()
    make_awards(call, 120, decided_by=journeys.lead_of_call(call), creator=creator)
    admin = personas.admin()
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", accept_downloads=True, viewport={"width": 1200, "height": 900}
    )
    page = context.new_page()
    log_in(page, admin.username, PASSWORD)

    page.goto("/reports/awards/")
    page.select_option("#id_district", "pudong")
    page.locator("#report-filters button[type=submit]").click()
    expected = Award.objects.filter(organisation__district="pudong")
    assert page.locator("#totals dd").first.inner_text() == str(expected.count())
    shot(page, "reports-01-filtered-en")

    page.locator("#export-xlsx").click()
    expect(page.locator("#export-progress progress")).to_be_visible()
    page.locator("#export-download").wait_for(timeout=60_000)  # htmx polls until the worker is done
    shot(page, "reports-02-export-done-en")
    with page.expect_download() as download:
        page.locator("#export-download").click()
    path = tmp_path / "awards.xlsx"
    download.value.save_as(path)
    rows = list(load_workbook(path, read_only=True)["Awards 资助"].iter_rows(values_only=True))
    assert len(rows) == expected.count() + 1

    page.goto("/reports/dashboard/")
    page.wait_for_function("window.Chart && Chart.getChart('chart-districts') !== undefined")
    shot(page, "reports-03-dashboard-en")
    assert page.evaluate("Chart.getChart('chart-districts').data.labels.length") == 5
    context.close()

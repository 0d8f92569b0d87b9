"""Issue 3 in real headless Chromium: a company's grant manager on a deadline day.

Policy A (BIO21-*) funded milestones from 2021-06-01 to 2024-05-31, so a BIO21-DRUG-INNOVATIVE call can
only be open inside that period: the scenario runs on 16 October 2023 (time-machine moves the clock of
this process, the live server's thread included).
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import expect

from applications.models import Application, Program, State
from applications.services import call_create
from tests.browser.pages import log_in, shot
from tests.factories import PASSWORD, OrganisationFactory, member
from tests.filings import EXE, PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEADLINE_DAY = datetime(2023, 10, 16, 9, 30, tzinfo=SHANGHAI)


@pytest.fixture
def in_2023():
    with time_machine.travel(DEADLINE_DAY, tick=True):
        yield


@pytest.fixture
def bio21_call(in_2023, transactional_db):
    from applications.catalogue import load_catalogue

    load_catalogue()
    return call_create(
        program=Program.objects.get(code="BIO21-DRUG-INNOVATIVE"),
        year=2023,
        title_en="2023 call: innovative drugs in clinical trials",
        title_zh="2023年度创新药研发支持项目申报",
        opens_at=DEADLINE_DAY - timedelta(days=30),
        closes_at=DEADLINE_DAY.replace(hour=17, minute=0),
        budget=300_000_000,
        max_applications_per_applicant=3,
        milestone_windows={"*": {"from": "2022-06-01", "to": "2023-09-30"}},
    )


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_grant_manager_files_a_bio21_application_and_an_outsider_cannot_see_it(
    page, browser, live_server, bio21_call, eager_celery, tmp_path
):
    zhangjiang = OrganisationFactory(name="张江示范生物科技有限公司")
    member(zhangjiang, admin=True, username="alice", email="alice@example.com")
    other = OrganisationFactory(name="Other Pharma")
    member(other, admin=True, username="charlie")

    log_in(page, "alice", PASSWORD)
    page.goto("/calls/")
    shot(page, "filing-01-open-calls-zh")
    page.locator("a.button[href*='/applications/new/']").first.click()
    page.fill("#id_title", "ZJ-101 注射液 II期")
    page.select_option("#id_track", "phase_2")
    page.locator("main form button[type=submit]").click()
    assert "/edit/" in page.url

    # A wrong field: the amount is not a number.
    page.fill("#id_facts-rd_spending", "一千万")
    page.locator("input[name=facts-drug_category][value=chemical]").check()
    page.locator("input[name=facts-class_1][value=true]").check()
    page.locator("input[name=facts-made_in_shanghai][value=true]").check()
    page.fill("#id_facts-product_key", "CXHL2300123")
    page.fill("#id_facts-milestone_date", "2023-08-20")
    page.locator("button[name=action][value=submit]").click()
    expect(page.locator(".field.has-error .error").first).to_be_visible()
    shot(page, "filing-02-field-error-zh")

    page.fill("#id_facts-rd_spending", "12000000")
    page.locator("button[name=action][value=save]").click()
    assert page.locator(".estimate .amount strong").inner_text() == "¥4,800,000"

    # An .exe renamed to .pdf is refused by its content.
    page.select_option("#id_document_type", "pledge")
    page.set_input_files("#id_file", write(tmp_path, "pledge.pdf", EXE))
    page.locator("form[enctype] button[type=submit]").click()
    expect(page.locator(".messages .error").first).to_be_visible()
    shot(page, "filing-03-exe-refused-zh")

    for document in ["clinical_trial_approval", "production_permit", "rd_expense_audit", "pledge"]:
        page.select_option("#id_document_type", document)
        page.set_input_files("#id_file", write(tmp_path, f"{document}.pdf", PDF))
        page.locator("form[enctype] button[type=submit]").click()
    assert page.locator(".documents a").count() == 4

    page.locator("button[name=action][value=submit]").click()
    assert "/receipt/" in page.url
    receipt = page.locator("#receipt-number").inner_text()
    application = Application.objects.get(receipt_number=receipt)
    assert application.state == State.SUBMITTED and application.current_version.number == 1
    shot(page, "filing-04-receipt-zh")
    assert any(receipt in message.subject for message in mail.outbox)

    # Another organisation, by URL: nothing.
    outsider = browser.new_context(base_url=live_server.url, locale="en-US").new_page()
    log_in(outsider, "charlie", PASSWORD)
    attachment = application.attachments.first()
    for url in [
        f"/applications/{application.pk}/",
        f"/applications/{application.pk}/edit/",
        f"/applications/{application.pk}/receipt/",
        f"/applications/{application.pk}/versions/1/",
        f"/attachments/{attachment.pk}/",
    ]:
        response = outsider.request.get(url)
        assert response.status == 404, url
    outsider.goto("/applications/")
    assert "ZJ-101" not in outsider.content()
    shot(outsider, "filing-05-outsider-dashboard-en")
    outsider.context.close()

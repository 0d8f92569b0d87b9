"""SPEC §5 "Measures that grant a status, not money" in real headless Chromium: a hospital applies for clinical
research beds, the lead commission (SHDC) approves and publishes the notice, the notice closes and the hospital
downloads its bilingual certificate (English, 1280 px); the public register lists an entry and, after the lead
removes it, lists it as removed with the reason (Chinese, 390 px).

Policy A (the beds, BIO21-*) ran from 2021-06-01 to 2024-05-31: the hospital's scenario runs in October 2023
(time-machine moves the clock of this process, the live server's thread included)."""

import io
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from applications.models import Application, State
from awards.models import EntryState, RegisterEntry
from reviews import services
from reviews.checklist import CODES
from reviews.models import ReviewTask, TaskKind
from tests import journeys, personas, registers
from tests.browser.pages import log_in, shot
from tests.factories import PASSWORD
from tests.filings import PDF
from tests.paths import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def new_page(browser, live_server, *, locale: str, width: int):
    context = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": width, "height": 900})
    return context.new_page()


def fits(page, selector: str, width: int) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box["x"] >= 0 and box["x"] + box["width"] <= width + 1


def test_a_hospital_is_identified_for_research_beds_and_downloads_its_certificate(
    browser, live_server, eager_celery, tmp_path
):
    from applications.catalogue import load_catalogue

    width = 1280
    with registers.in_policy_a(tick=True):
        load_catalogue()
        call = registers.recognition_call(registers.BEDS)
        hana = personas.hana()
        lead = journeys.staff("SHDC")
        journeys.staff("HEALTH")

        # The hospital finds the call and files: the number of beds and three documents.
        page = new_page(browser, live_server, locale="en-US", width=width)
        log_in(page, hana.username, PASSWORD)
        page.goto("/calls/")
        assert "Who may apply: Public institution" in page.locator("main").inner_text()
        page.locator(f"a.button[href$='?call={call.pk}']").click()
        page.fill("#id_title", "Clinical research wards, East campus")
        page.locator("main form button[type=submit]").click()
        assert "/edit/" in page.url
        assert "nothing is estimated" in page.locator("aside").inner_text()
        page.fill("#id_facts-research_beds", "0")
        page.locator("button[name=action][value=submit]").click()
        expect(page.locator(".field.has-error .error").first).to_be_visible()  # at least one bed
        page.fill("#id_facts-research_beds", "24")
        for document in ["medical_institution_licence", "research_ward_plan", "pledge"]:
            path = tmp_path / f"{document}.pdf"
            path.write_bytes(PDF)
            page.select_option("#id_document_type", document)
            page.set_input_files("#id_file", str(path))
            page.locator("form[enctype] button[type=submit]").click()
        page.fill("#id_facts-research_beds", "24")
        page.locator("button[name=action][value=submit]").click()
        assert "/receipt/" in page.url
        shot(page, "register-01-hospital-receipt-en-1280")
        application = Application.objects.get(receipt_number=page.locator("#receipt-number").inner_text())
        assert application.current_version.facts["research_beds"] == 24

        # SHDC leads: the formal check, its opinion; HEALTH gives its own; no budget, so SHDC decides.
        officer = new_page(browser, live_server, locale="en-US", width=width)
        log_in(officer, lead.username, PASSWORD)
        officer.goto(f"/review/applications/{application.pk}/")
        assert "Grants a status, not money" in officer.locator("main").inner_text()
        officer.locator("button[value=start_formal_check]").click()
        for item in CODES:
            officer.check(f"#id_check_{item}")
        officer.locator("button[value=pass_formal_check]").click()
        assert not ReviewTask.objects.filter(application=application, kind=TaskKind.BUDGET).exists()
        officer.locator("#opinion input[value=support]").check()
        officer.fill("#opinion textarea", "Wards and ethics committee in place.")
        officer.locator("#opinion button[type=submit]").click()
        health = ReviewTask.objects.get(application=application, commission__code="HEALTH")
        services.opinion_give(task=health, by=journeys.staff("HEALTH"), opinion="support")
        officer.reload()
        assert "Budget" not in officer.locator("#decision").inner_text()
        assert officer.locator("#decision input[name=recommended_amount]").count() == 0
        officer.fill("#decision textarea", "Meets clause IV.1.")
        officer.locator("#decision button[value=approve]").click()
        assert Application.objects.get(pk=application.pk).state == State.APPROVED
        officer.locator("#decided a[href$='/register/']").click()  # the call's entries: notice and objections
        shot(officer, "register-02-lead-call-entries-en-1280")
        officer.locator("form[action$='/register/publish/'] button[type=submit]").click()
        entry = RegisterEntry.objects.get(application=application)
        assert entry.state == EntryState.IN_NOTICE
        officer.context.close()

    # The day after the notice ends, the beat lists the entry and the worker issues its certificate.
    day_after = timezone.make_aware(datetime.combine(entry.notice_until + timedelta(days=1), time(10)))
    with time_machine.travel(day_after, tick=True):
        from awards.tasks import close_register_notices

        assert close_register_notices() == 1
        entry.refresh_from_db()
        assert entry.state == EntryState.VALID and entry.certificate is not None

        log_in(page, hana.username, PASSWORD)  # a week later: signed in again
        page.goto(f"/applications/{application.pk}/")
        assert f"valid {entry.valid_from} – {entry.valid_to}" in page.locator("main").inner_text()
        shot(page, "register-03-hospital-application-en-1280")
        with page.expect_download() as download:
            page.locator(f"a:has-text('{entry.certificate.reference}')").click()
        path = ARTIFACTS / "register-certificate-beds.pdf"  # kept to be looked at (pdftoppm -png)
        download.value.save_as(path)
        text = "".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(path.read_bytes())).pages)
        for said in [
            "认定证书",
            "临床研究床位认定",
            "临床研究床位数",
            "24",
            "Certificate of recognition",
            "Number of clinical research beds",
            f"Valid from {entry.valid_from} to {entry.valid_to}",
        ]:
            assert "".join(said.split()) in "".join(text.split()), said  # lines break anywhere
        # The public register of the beds shows the hospital, without a login.
        public = new_page(browser, live_server, locale="en-US", width=width)
        public.goto(f"/registers/{registers.BEDS}/")
        row = public.locator(f"#entry-{entry.pk}").inner_text()
        assert "Shanghai Demo Hospital" in row and "24" in row and entry.certificate.reference in row
        shot(public, "register-04-public-beds-en-1280")
        public.context.close()
        page.context.close()


def test_the_public_register_lists_an_entry_and_after_its_removal_the_reason(browser, live_server, eager_celery):
    from applications.catalogue import load_catalogue

    width = 390
    load_catalogue()
    call = registers.recognition_call(registers.AID)
    entry = registers.listed(call, personas.alice(), title="便携式呼吸机 ZJ-V10", facts=registers.AID_FACTS)
    keeper = journeys.staff("COMMERCE")

    visitor = new_page(browser, live_server, locale="zh-CN", width=width)
    visitor.goto(f"/registers/{registers.AID}/")
    row = visitor.locator(f"#entry-{entry.pk}")
    assert "便携式呼吸机 ZJ-V10" in row.inner_text() and "有效" in row.inner_text()
    assert fits(visitor, f"#entry-{entry.pk}", width)
    shot(visitor, "register-05-public-valid-zh-390")
    visitor.fill("#id_q", "呼吸机")
    visitor.locator("main form[role=search] button[type=submit]").click()
    assert visitor.locator(f"#entry-{entry.pk}").count() == 1

    officer = new_page(browser, live_server, locale="zh-CN", width=width)
    log_in(officer, keeper.username, PASSWORD)
    officer.goto("/review/register/")
    officer.locator(f"a[href='/registers/entries/{entry.pk}/']").click()
    assert fits(officer, "#removal", width)
    officer.locator("#removal button[type=submit]").click()  # without a reason: refused, nothing changes
    expect(officer.locator("#removal .error").first).to_be_visible()
    assert RegisterEntry.objects.get(pk=entry.pk).state == EntryState.VALID
    officer.fill("#removal textarea", "注册证已被注销。")
    shot(officer, "register-06-removal-zh-390")
    officer.locator("#removal button[type=submit]").click()
    assert RegisterEntry.objects.get(pk=entry.pk).state == EntryState.REMOVED
    assert "已移出名录" in officer.locator("main").inner_text()  # the history
    officer.context.close()

    visitor.goto(f"/registers/{registers.AID}/")
    row = visitor.locator(f"#entry-{entry.pk}").inner_text()
    assert "已移出" in row and "注册证已被注销。" in row
    shot(visitor, "register-07-public-removed-zh-390")
    visitor.context.close()

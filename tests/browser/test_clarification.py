"""Issue 16's acceptance in real headless Chromium: an officer asks a clarification question with a due date on the
review page; the applicant is told (an inbox item) and reads it on her application's page, answers with a real PDF;
the officer reads the answer and downloads its file on the review page; an outsider (another organisation, a
commission without a task on it) gets a 404 on the thread. English at desk width, Chinese at phone width."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.accounts.models import Notification, NotificationKind
from reviews.models import Message
from tests import journeys, personas
from tests.browser.pages import log_in, shot
from tests.calls import bio24_call
from tests.factories import PASSWORD
from tests.filings import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "Which clinical site ran the phase 2 trial, and under which ethics approval?"
ANSWER = "Ruijin Hospital, ethics approval RJ-2024-117; the approval letter is attached."
WORDS = {
    "en-US": {
        "messages": "Messages",
        "due": "Clarification request: answer due",
        "answered": "Answered",
        "open_item": "Open the page it is about",
    },
    "zh-CN": {"messages": "留言", "due": "要求补充说明：答复期限", "answered": "已于", "open_item": "前往相关页面"},
}


def context_for(browser, live_server, locale, width):
    return browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": width, "height": 900})


def real_pdf(tmp_path):
    """A real one-page PDF, as a scanner or a word processor writes it (WeasyPrint)."""
    from weasyprint import HTML

    path = tmp_path / "ethics-approval.pdf"
    HTML(string="<h1>Ethics approval RJ-2024-117</h1><p>Ruijin Hospital ethics committee.</p>").write_pdf(path)
    return path


def fits(page, selector: str, width: int) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box)


@pytest.mark.parametrize(("locale", "width"), [("en-US", 1280), ("zh-CN", 390)])
def test_an_officer_asks_a_clarification_the_applicant_answers_with_a_file_outsiders_get_404(
    browser, live_server, tmp_path, settings, locale, width
):
    from applications.catalogue import load_catalogue

    settings.MEDIA_ROOT = str(tmp_path / "media")
    load_catalogue()
    alice, charlie = personas.alice(), personas.charlie()
    lead, commerce = personas.stcsm_officer(), personas.commerce_officer()
    personas.smpa_officer()
    application = journeys.pass_formal_check(submit(bio24_call(), alice))
    words, tag = WORDS[locale], f"clarification-{locale}-{width}"
    due = timezone.localdate() + timedelta(days=7)

    # --- the officer asks, on the review page ---------------------------------------------------------------
    officer = context_for(browser, live_server, locale, width).new_page()
    log_in(officer, lead.username, PASSWORD)
    officer.goto(f"/review/applications/{application.pk}/")
    officer.fill("#id_message-body", QUESTION)
    officer.fill("#id_message-due_on", due.isoformat())
    officer.locator("#message-form button[type=submit]").click()
    officer.wait_for_load_state()
    question = Message.objects.get()
    assert question.due_on == due and not question.internal
    thread = officer.locator("#thread")
    assert QUESTION in thread.inner_text() and words["due"] in thread.inner_text()
    shot(officer, f"{tag}-1-asked")

    # --- the applicant is told and reads it on her application's page ----------------------------------------
    item = Notification.objects.get(user=alice, key=f"message:{question.pk}")
    assert item.kind == NotificationKind.MESSAGE and item.link == f"/applications/{application.pk}/#thread"
    assert QUESTION in item.body_en and QUESTION in item.body_zh
    applicant = context_for(browser, live_server, locale, width).new_page()
    log_in(applicant, alice.username, PASSWORD)
    # From the header's inbox link to the item, and from the item to the thread on her application's page.
    applicant.locator("header.site .inbox-link").click()
    applicant.wait_for_load_state()
    applicant.locator(f"table.inbox tbody tr.unread a[href$='/inbox/{item.pk}/']").click()
    applicant.wait_for_load_state()
    assert QUESTION in applicant.locator("main").inner_text()
    shot(applicant, f"{tag}-2a-inbox-item")
    applicant.get_by_role("link", name=words["open_item"]).click()
    applicant.wait_for_load_state()
    assert applicant.url.endswith(item.link)
    assert words["messages"] in applicant.locator("#thread h2").inner_text()
    assert QUESTION in applicant.locator(f"#message-{question.pk}").inner_text()
    if width < 500:
        fits(applicant, "#thread", width)
        fits(applicant, f"#answer-{question.pk} button[type=submit]", width)
    shot(applicant, f"{tag}-2-applicant-reads")

    # --- she answers with a real PDF ---------------------------------------------------------------------------
    applicant.fill(f"#id_answer-{question.pk}-body", ANSWER)
    applicant.set_input_files(f"#id_answer-{question.pk}-files", str(real_pdf(tmp_path)))
    applicant.locator(f"#answer-{question.pk} button[type=submit]").click()
    applicant.wait_for_load_state()
    question.refresh_from_db()
    assert question.answered_at is not None and question.answered_by.body == ANSWER
    assert applicant.locator(f"#answer-{question.pk}").count() == 0  # nothing left to answer
    shot(applicant, f"{tag}-3-answered")

    # --- the officer reads the answer and its file on the review page -----------------------------------------
    officer.goto(f"/review/applications/{application.pk}/")
    reply = officer.locator(f"#message-{question.answered_by_id}")
    assert ANSWER in reply.inner_text() and "ethics-approval.pdf" in reply.inner_text()
    assert words["answered"] in officer.locator(f"#message-{question.pk}").inner_text()
    with officer.expect_download() as download:
        reply.locator("a", has_text="ethics-approval.pdf").click()
    with open(download.value.path(), "rb") as downloaded:
        assert downloaded.read().startswith(b"%PDF-")
    shot(officer, f"{tag}-4-officer-reads-the-answer")

    # --- outsiders: another organisation, a commission without a task -----------------------------------------
    file = question.answered_by.attachments.get()
    for outsider in (charlie, commerce):
        page = context_for(browser, live_server, locale, width).new_page()
        log_in(page, outsider.username, PASSWORD)
        for url in (
            f"/applications/{application.pk}/messages/",
            f"/messages/files/{file.pk}/",
            f"/api/v1/applications/{application.pk}/messages/",
        ):
            assert page.goto(url).status == 404, (outsider, url)
        page.context.close()

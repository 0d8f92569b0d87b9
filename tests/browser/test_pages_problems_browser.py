"""Issue 18, item 6 in real headless Chromium: a draft saved with an answer that will not pass ("1,000万" for an
amount) is saved with a warning naming that field, not a plain success; a refused submission lists every problem
at once, the fields' and the missing documents', in an error summary at the top whose links lead to each field
(GOV.UK's pattern: "有以下问题 / There is a problem")."""

import pytest
from playwright.sync_api import expect

from applications.models import Application, State
from tests import personas
from tests.browser.pages import log_in, shot
from tests.calls import filing_call
from tests.factories import PASSWORD
from tests.filings import make_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(live_server):
    from applications.catalogue import load_catalogue

    load_catalogue()
    return make_draft(filing_call(), personas.alice(), documents=False)


@pytest.mark.parametrize(
    ("locale", "width", "saved", "problem"),
    [("zh-CN", 390, "草稿已保存", "有以下问题"), ("en-US", 1280, "Draft saved", "There is a problem")],
)
def test_a_draft_warns_of_what_will_not_pass_and_a_submission_lists_every_problem(
    browser, live_server, draft, locale, width, saved, problem
):
    context = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in(page, "alice", PASSWORD)
    page.goto(f"/applications/{draft.pk}/edit/")
    label = page.locator("label[for='id_facts-rd_spending']").inner_text().strip()

    page.fill("#id_facts-rd_spending", "1,000万")
    page.locator("button[name=action][value=save]").click()
    warnings = page.locator(".messages .message-warning[role=alert]")
    expect(warnings.first).to_contain_text(saved)
    expect(page.locator(".messages")).to_contain_text(label)
    expect(page.locator(".messages .message-success")).to_have_count(0)
    expect(page.locator("#id_facts-rd_spending")).to_have_value("1,000万")  # kept as typed
    shot(page, f"pages-problems-01-draft-warning-{locale[:2]}-{width}")

    page.locator("button[name=action][value=submit]").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator("h2")).to_have_text(problem)
    field_link = summary.locator("a[href='#id_facts-rd_spending']")
    expect(field_link).to_contain_text(label)
    documents_link = summary.locator("a[href='#documents']")
    expect(documents_link).to_be_visible()  # the missing documents, in the same round as the field
    assert summary.evaluate("s => s.getBoundingClientRect().top") < page.locator("#application-form").evaluate(
        "f => f.getBoundingClientRect().top"
    )
    expect(page.locator(".field.has-error #id_facts-rd_spending")).to_be_visible()
    shot(page, f"pages-problems-02-error-summary-{locale[:2]}-{width}")
    field_link.click()
    expect(page).to_have_url(f"{live_server.url}/applications/{draft.pk}/edit/#id_facts-rd_spending")
    assert Application.objects.get(pk=draft.pk).state == State.DRAFT
    context.close()

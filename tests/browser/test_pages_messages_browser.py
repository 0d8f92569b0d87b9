"""Issue 18, items 1 and 2 in real headless Chromium: an error looks like an error (red, a cross, the word
"错误/Error", announced with role="alert"), a success like a success (role="status"); the attachment's remove
button is readable (contrast of at least 4.5:1 against what is behind it)."""

import pytest
from playwright.sync_api import expect

from applications import filing
from tests import personas
from tests.browser.pages import log_in, shot
from tests.calls import filing_call
from tests.factories import PASSWORD
from tests.filings import EXE, PDF, make_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The WCAG contrast ratio of an element's text colour against the first opaque background behind it.
CONTRAST = """element => {
  const rgb = text => text.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  let node = element, ground = [255, 255, 255];
  while (node && node.nodeType === 1) {
    const colour = rgb(getComputedStyle(node).backgroundColor);
    if (colour.length < 4 || colour[3] > 0) { ground = colour.slice(0, 3); break; }
    node = node.parentElement;
  }
  const [a, b] = [luminance(rgb(getComputedStyle(element).color)), luminance(ground)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""
BACKGROUND = "element => getComputedStyle(element).backgroundColor.match(/\\d+/g).slice(0, 3).map(Number)"


@pytest.fixture
def draft(live_server):
    from applications.catalogue import load_catalogue

    load_catalogue()
    return make_draft(filing_call(), personas.alice(), documents=False)


def applicant(browser, live_server, *, locale, width):
    context = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in(page, "alice", PASSWORD)
    return page


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


@pytest.mark.parametrize(
    ("locale", "width", "error_word", "success_word"),
    [("zh-CN", 390, "错误", "成功"), ("en-US", 1280, "Error", "Success")],
)
def test_a_refused_upload_reads_as_an_error_and_an_accepted_one_as_a_success(
    browser, live_server, draft, tmp_path, locale, width, error_word, success_word
):
    page = applicant(browser, live_server, locale=locale, width=width)
    page.goto(f"/applications/{draft.pk}/edit/")
    # An .exe renamed to .pdf, refused by its content.
    page.select_option("#id_document_type", "pledge")
    page.set_input_files("#id_file", write(tmp_path, "pledge.pdf", EXE))
    page.locator("form[enctype] button[type=submit]").click()
    alert = page.locator(".messages [role=alert]")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text(error_word)
    expect(page.locator(".messages [role=status]")).to_have_count(0)
    red, green, _blue = alert.evaluate(BACKGROUND)
    assert red > green, "an error is not on a green ground"
    shot(page, f"pages-messages-01-upload-refused-{locale[:2]}-{width}")

    page.select_option("#id_document_type", "pledge")
    page.set_input_files("#id_file", write(tmp_path, "pledge.pdf", PDF))
    page.locator("form[enctype] button[type=submit]").click()
    status = page.locator(".messages [role=status]")
    expect(status).to_contain_text(success_word)
    expect(page.locator(".messages [role=alert]")).to_have_count(0)
    red, green, _blue = status.evaluate(BACKGROUND)
    assert green > red, "a success is not on a red ground"

    # Item 2: the attachment's remove button is readable.
    remove = page.locator(".documents button.danger").first
    expect(remove).to_be_visible()
    assert remove.evaluate(CONTRAST) >= 4.5
    shot(page, f"pages-messages-02-upload-accepted-{locale[:2]}-{width}")
    page.context.close()


def test_an_officers_refused_formal_check_and_opinion_read_as_errors(browser, live_server, draft):
    for code in ["STCSM", "SMPA", "SHEITC", "DRC", "FIN"]:
        personas.officer_of(code)
    for document in draft.track.document_types:
        from tests.filings import pdf

        filing.attachment_add(application=draft, document_type=document["code"], upload=pdf(), by=personas.alice())
    application = filing.application_submit(application=draft, by=personas.alice())
    for locale, word in [("en-US", "Error"), ("zh-CN", "错误")]:
        context = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        log_in(page, personas.stcsm_officer().username, PASSWORD)
        page.goto(f"/review/applications/{application.pk}/")
        if page.locator("button[value=start_formal_check]").count():
            page.locator("button[value=start_formal_check]").click()
        # Passing the formal check without ticking its list is refused.
        page.locator("button[value=pass_formal_check]").click()
        alert = page.locator(".messages [role=alert]")
        expect(alert.first).to_contain_text(word)
        red, green, _blue = alert.first.evaluate(BACKGROUND)
        assert red > green
        shot(page, f"pages-messages-03-formal-check-refused-{locale[:2]}")
        context.close()

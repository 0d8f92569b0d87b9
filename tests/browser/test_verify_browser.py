"""Issue 17 in real headless Chromium: someone handed a decision letter opens its verification page (English,
1280 px), checks the PDF they were given (identical, not yet sealed), switches the page to Chinese with the site's
language switch; on a phone (Chinese, 390 px) a doctored copy is told apart, and once the letter is revoked the page
says since when and why. Screenshots in tests/artifacts/verify-*.png."""

import pytest
from playwright.sync_api import expect

from awards.letters import letter_issue
from awards.models import RevocationCause
from awards.revocation import letter_revoke
from tests.awards.test_letters import confirmed_award
from tests.browser.pages import shot
from tests.paths import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def new_page(browser, live_server, *, locale: str, width: int):
    context = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": width, "height": 900})
    return context.new_page()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_letter_is_verified_checked_and_seen_revoked_in_both_languages(browser, live_server, review_call, alice):
    award = confirmed_award(review_call, alice)
    letter = letter_issue(decision_id=award.decision_id)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    issued, doctored = ARTIFACTS / "verify-issued.pdf", ARTIFACTS / "verify-doctored.pdf"
    with letter.pdf.open("rb") as handle:
        data = handle.read()
    issued.write_bytes(data)
    doctored.write_bytes(data[:1000] + bytes([data[1000] ^ 0x01]) + data[1001:])  # one byte changed
    url = f"/verify/{letter.token}/"

    # English, 1280 px: what the letter states, in force; the issued PDF is identical, with no seal yet.
    page = new_page(browser, live_server, locale="en-US", width=1280)
    page.goto(url)
    expect(page.locator("#standing")).to_contain_text("In force")
    facts = page.locator("#letter-facts").inner_text()
    for said in [letter.reference, "Zhangjiang Demo Biotech", "4,000,000 yuan", letter.sha256]:
        assert said in facts, said
    page.set_input_files("#id_file", str(issued))
    page.locator("#check button[type=submit]").click()
    expect(page.locator("#identical")).to_contain_text("Identical")
    expect(page.locator("#seal")).to_contain_text("Seal valid")
    expect(page.locator("#seal")).to_contain_text(f"Sealed by {letter.commission.name_en}")
    shot(page, "verify-01-checked-en-1280")

    # The site's language switch: the same page in Chinese.
    page.goto(url)
    page.locator("form.lang button[lang=zh-Hans]").click()
    expect(page.locator("#standing")).to_contain_text("有效")
    assert review_call.program.title_zh in page.locator("#letter-facts").inner_text()
    shot(page, "verify-02-zh-1280")
    page.context.close()

    # Chinese, 390 px: a doctored copy is not the issued one; nothing scrolls sideways (the hash wraps).
    phone = new_page(browser, live_server, locale="zh-CN", width=390)
    phone.goto(url)
    assert no_sideways_scroll(phone)
    phone.set_input_files("#id_file", str(doctored))
    phone.locator("#check button[type=submit]").click()
    expect(phone.locator("#identical")).to_contain_text("不一致")
    assert no_sideways_scroll(phone)
    shot(phone, "verify-03-doctored-zh-390")

    # Revoked: the page says since when and why.
    letter_revoke(letter=letter, reason="试验数据造假。", cause=RevocationCause.FRAUD_CLAWBACK)
    phone.goto(url)
    expect(phone.locator("#standing")).to_contain_text("已撤销")
    expect(phone.locator("#standing")).to_contain_text("试验数据造假。")
    shot(phone, "verify-04-revoked-zh-390")
    phone.context.close()

    # English, 390 px, revoked.
    small = new_page(browser, live_server, locale="en-US", width=390)
    small.goto(url)
    expect(small.locator("#standing")).to_contain_text("Revoked")
    assert no_sideways_scroll(small)
    shot(small, "verify-05-revoked-en-390")
    small.context.close()

"""A call's own page in real headless Chromium: a member reads what each track needs and subscribes to alerts
like it, on a phone in Chinese and on a desktop in English."""

import pytest

from applications.models import CallAlert
from tests import personas
from tests.browser.pages import log_in, shot
from tests.calls import device_call
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("locale", "width", "documents", "subscribe"),
    [
        ("en-US", 1280, "Required documents", "Calls of this measure"),
        ("zh-CN", 390, "所需材料", "本支持事项的申报批次"),
    ],
)
def test_a_member_reads_a_call_and_subscribes_to_alerts_like_it(
    browser, live_server, locale, width, documents, subscribe
):
    from applications.catalogue import load_catalogue

    load_catalogue()
    alice = personas.alice()
    call = device_call()
    context = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in(page, alice.username, PASSWORD)
    page.goto(f"/calls/{call.pk}/")
    main = page.locator("main").inner_text()
    language = "en" if locale == "en-US" else "zh"
    for track in call.program.tracks.all():
        assert getattr(track, f"title_{language}") in main
        for document in track.document_types:
            assert document[f"label_{language}"] in main and document["code"] not in main
    assert documents in main and call.program.code not in main
    button = page.get_by_role("button", name=subscribe)
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width  # fits the screen
    shot(page, f"call-page-{locale}-{width}")
    button.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/calls/{call.pk}/")
    assert CallAlert.objects.filter(organisation=alice.organisation, program=call.program).count() == 1
    shot(page, f"call-page-{locale}-{width}-subscribed")
    context.close()

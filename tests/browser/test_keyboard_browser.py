"""Issue 18 in headless Chromium: an applicant who uses no mouse files an application with the keyboard
alone (Tab, Shift+Tab, Space, Enter, and the arrow keys inside a group of radio buttons), from the skip link
to the submit button, and sees where the focus is at every step."""

import pytest
from playwright.sync_api import expect

from applications import filing
from applications.models import Application, State
from tests import personas
from tests.browser.pages import log_in, shot
from tests.calls import bio24_call
from tests.factories import PASSWORD
from tests.filings import pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the applicant types into each field, by its name; a radio group gets the value to pick.
ANSWERS = {
    "title": "ZJ-101 注射液 II期",
    "facts-rd_spending": "12000000",
    "facts-drug_category": "biological",
    "facts-class_1": "true",
    "facts-product_key": "CXSL2400456",
    "facts-milestone_date": "2025-03-01",
}

FOCUSED = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  return {tag: e.tagName.toLowerCase(), href: e.getAttribute("href") || "", type: e.type || "",
          name: e.name || "", value: e.value || "",
          checked: !!e.checked, text: (e.innerText || "").trim(), outline: style.outlineStyle,
          outlineWidth: parseFloat(style.outlineWidth) || 0, boxShadow: style.boxShadow};
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def assert_focus_visible(element: dict) -> None:
    """Where the keyboard is must be seen: an outline (or a ring drawn by a shadow) of at least 2 px."""
    ring = element["outline"] not in ("none", "") and element["outlineWidth"] >= 2
    assert ring or element["boxShadow"] != "none", f"no visible focus on {element}"


def tab_to(page, predicate, limit=80) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if predicate(element):
            return element
    raise AssertionError("the keyboard never reached the element")


def type_date(page, iso: str) -> None:
    """The digits of a date field, in the order headless Chromium lays its parts out (month, day, year: it
    follows the machine's locale, not the page's); each part moves on to the next when it is full."""
    year, month, day = iso.split("-")
    page.keyboard.type(month + day + year)


@pytest.fixture
def draft(transactional_db):
    """Alice's new draft with its documents uploaded (choosing a file is the operating system's dialog, not
    the page's), and nothing typed yet."""
    from applications.catalogue import load_catalogue

    load_catalogue()
    call = bio24_call()
    alice = personas.alice()
    application = filing.application_create(
        call=call, track=call.program.tracks.get(code="phase_2"), title="ZJ-101", by=alice
    )
    for document in application.track.document_types:
        filing.attachment_add(application=application, document_type=document["code"], upload=pdf(), by=alice)
    return application


def test_an_applicant_files_with_the_keyboard_alone(page, live_server, draft, eager_celery):
    log_in(page, "alice", PASSWORD)
    page.goto(f"/applications/{draft.pk}/edit/")

    # The first Tab reaches the skip link, which takes the keyboard past the header to the page's content.
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["tag"] == "a" and skip["href"].endswith("#main")
    assert_focus_visible(skip)
    page.keyboard.press("Enter")

    element = tab_to(page, lambda e: e["name"] == "title")
    assert_focus_visible(element)
    page.keyboard.press("Control+A")
    page.keyboard.type(ANSWERS["title"])
    # One step back and forth: Shift+Tab leaves the field where it was typed.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "title"

    done = {"title"}
    while True:
        page.keyboard.press("Tab")
        element = focused(page)
        assert_focus_visible(element)
        name = element["name"]
        if element["tag"] == "button" and element["value"] == "submit":
            break
        if name in done or name not in ANSWERS:
            continue
        if element["type"] == "radio":
            # Tab enters a group on its first button; the arrows move the choice, Space makes it.
            for _ in range(10):
                if element["value"] == ANSWERS[name]:
                    break
                page.keyboard.press("ArrowDown")
                element = focused(page)
            page.keyboard.press("Space")
            assert focused(page)["checked"]
        elif element["type"] == "date":
            type_date(page, ANSWERS[name])
        else:
            page.keyboard.type(ANSWERS[name])
        done.add(name)
    assert done == set(ANSWERS), f"never reached {set(ANSWERS) - done}"
    shot(page, "keyboard-01-on-submit-zh")

    page.keyboard.press("Enter")
    expect(page.locator("#receipt-number")).to_be_visible()
    shot(page, "keyboard-02-receipt-zh")
    application = Application.objects.get(pk=draft.pk)
    assert application.state == State.SUBMITTED
    facts = application.current_version.facts
    assert application.title == ANSWERS["title"]
    assert str(facts["rd_spending"]) in {"12000000", "12000000.00"} and facts["drug_category"] == "biological"
    assert str(facts["milestone_date"]) == "2025-03-01"

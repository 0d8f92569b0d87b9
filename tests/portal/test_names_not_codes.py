"""Every text a person reads names a commission, track, state or action; its code never stands alone (issue 18).

The access matrix's world (every role, applications in every state, awards on notice and with letters, a register,
desk cases) is built, then every commission and track gets an unusual code ("ZQXJC3", "zqxj_track_4") that no
word of either language contains. The main pages of each role are rendered in both languages, and the text a
person reads (markup, scripts and attribute values stripped) must not hold one of those codes, nor a state or an
action code of the workflow, except where an officers' table shows a commission's code right after its name, as
"name (CODE)".
"""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from applications.models import Call, State, Track
from applications.workflow import Action
from awards.lifecycle import AwardAction
from awards.register_lifecycle import RegisterAction
from portal.accounts.models import Commission
from reviews.services import ReviewAction
from tests.logins import login
from tests.portal import access_world

LANGUAGES = ["zh-hans", "en"]


class _Text(HTMLParser):
    """The text of a page as a person reads it: no markup, no script or style, no attribute values."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "template"}:
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _rename_codes() -> dict:
    """Gives every commission and track an unusual code; keeps the calls' per-track settings pointing at them."""
    commissions = {}
    for n, commission in enumerate(Commission.objects.order_by("pk"), start=1):
        commission.code = f"ZQXJC{n}"
        commission.save(update_fields=["code"])
        commissions[commission.code] = commission
    tracks = {}
    renamed: dict[int, dict[str, str]] = {}
    for n, track in enumerate(Track.objects.exclude(code="").order_by("pk"), start=1):
        renamed.setdefault(track.program_id, {})[track.code] = f"zqxj_track_{n}"
        track.code = f"zqxj_track_{n}"
        track.save(update_fields=["code"])
        tracks[track.code] = track
    for call in Call.objects.all():
        names = renamed.get(call.program_id, {})
        call.milestone_windows = {names.get(k, k): v for k, v in call.milestone_windows.items()}
        call.track_terms = {names.get(k, k): v for k, v in call.track_terms.items()}
        call.save(update_fields=["milestone_windows", "track_terms"])
    return {"commissions": commissions, "tracks": tracks}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    media.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with translation.override("en"):
                built = access_world.build()
            built.codes = _rename_codes()
            connection.check_constraints()
            yield built
        finally:
            transaction.set_rollback(True)  # nothing of the world outlives this module
            outer.__exit__(None, None, None)
            media.disable()  # even when the world could not be built: later tests keep the run's MEDIA_ROOT


@pytest.fixture(autouse=True)
def _db(world, db):
    """Each test in a savepoint of the module's world."""


def _pages(w) -> list[tuple[str, str]]:
    """(persona, address) of the main pages of each role."""
    return [
        ("anon", reverse("home")),
        ("anon", reverse("calls")),
        ("anon", reverse("call-detail", args=[w.call.pk])),
        ("anon", reverse("notices")),
        ("anon", reverse("registers")),
        ("alice", reverse("home")),
        ("alice", reverse("calls")),
        ("alice", reverse("call-detail", args=[w.call.pk])),
        ("alice", reverse("dashboard")),
        *[
            ("alice", reverse("application-detail", args=[a.pk]))
            for a in (w.a_submitted, w.a_review, w.a_awarded, w.a_notice, w.a_computed, w.a_entry.application)
        ],
        ("alice", reverse("application-edit", args=[w.a_draft.pk])),
        ("alice", reverse("desk-case", args=[w.a_case_answered.pk])),
        ("lead", reverse("review-queue")),
        *[
            ("lead", reverse("review-application", args=[a.pk]))
            for a in (w.a_submitted, w.a_review, w.a_ready, w.a_awarded, w.a_unstaffed)
        ],
        ("lead", reverse("review-application", args=[w.a_case_routed.pk])),
        ("lead", reverse("call-awards", args=[w.call.pk])),
        ("co", reverse("review-queue")),
        ("co", reverse("review-application", args=[w.a_review.pk])),
        ("fin", reverse("review-queue")),
        ("fin", reverse("review-application", args=[w.a_review.pk])),
        ("fin", reverse("finance")),
        ("fin", reverse("finance-award", args=[w.a_award.pk])),
        ("admin", reverse("reports")),
        ("admin", reverse("dashboard-admin")),
    ]


def _codes_outside_names(text: str, w) -> list[str]:
    """The codes the text shows alone. A commission's code in brackets right after its name is allowed."""
    for code, commission in w.codes["commissions"].items():
        for name in {commission.name_zh, commission.name_en}:
            text = text.replace(f"{name} ({code})", name)
    found = [code for code in w.codes["commissions"] if re.search(rf"\b{code}\b", text)]
    found += [code for code in w.codes["tracks"] if code in text]
    return found


# States and actions whose code is not an English word (an underscore or a value like "publicity"), so finding
# one in a page is never a sentence that happens to contain it.
STATE_AND_ACTION_CODES = sorted(
    {s.value for s in State if "_" in s.value}
    | {a.value for a in AwardAction}
    | {a.value for a in RegisterAction}
    | {a.value for a in Action if "_" in a.value}
    | {a.value for a in ReviewAction if "_" in a.value}
)


def _state_or_action_codes(text: str) -> list[str]:
    return [code for code in STATE_AND_ACTION_CODES if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_main_pages_name_commissions_tracks_states_and_actions(world, language):
    clients = {}
    shown = {}
    for persona, address in _pages(world):
        if persona not in clients:
            client = Client()
            clients[persona] = (
                client if persona == "anon" else login(client, getattr(world, persona), language=language)
            )
            client.cookies["django_language"] = language
        response = clients[persona].get(address)
        assert response.status_code == 200, (persona, address, response.status_code)
        text = page_text(response.content.decode())
        found = _codes_outside_names(text, world) + _state_or_action_codes(text)
        if found:
            shown[(persona, address)] = found
    assert shown == {}, "\n".join(f"{persona} {address}: {codes}" for (persona, address), codes in shown.items())


def test_the_check_finds_a_code_standing_alone(world):
    """The test above can fail: a commission's or a track's code alone, or an action code, is found."""
    commission = next(iter(world.codes["commissions"]))
    track = next(iter(world.codes["tracks"]))
    text = page_text(f"<p>Waiting for {commission}</p><td>{track}</td><li>notice_published</li>")
    assert _codes_outside_names(text, world) == [commission, track]
    assert _state_or_action_codes(text) == ["notice_published"]
    name = world.codes["commissions"][commission].name_en
    assert _codes_outside_names(page_text(f"<td>{name} ({commission})</td>"), world) == []

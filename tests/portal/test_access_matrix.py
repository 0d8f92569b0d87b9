"""The access matrix (issue 7): every URL and API endpoint, for anonymous visitors and each role, against
objects of one's own and of another organisation or commission.

Read MATRIX below as a table: one row per URL (and object), one column per person of
tests/portal/access_world.py. What each cell means:

    200 / 403 / 404 / 405   that status code (404 for anything of someone else's: its existence is not leaked;
                            a page of another role answers 404 too, as everywhere in the portal's pages)
    login                   a redirect to the login page (pages, for anonymous visitors)
    admin-login             a redirect to the Django admin's login page
    302                     a redirect to a page of the portal (not a login page)
    done                    a write request that was accepted (200, 201 or 302) and changed something
    kept                    a write request on something the person may see but not act on: answered
                            (200 with the form's errors or 302 back with a message) and nothing written

Every request except a "done" one must leave the database as it was. A URL added to urls.py without a
row here fails `test_every_url_has_a_row_in_the_matrix`.
"""

# ruff: noqa: E501 -- MATRIX is a table: one row per URL, one aligned column per person
import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from applications.models import Application
from awards.models import Award, Export, RegisterEntry
from portal.accounts.models import NotificationKind, User
from portal.accounts.verification import email_verification_token
from reviews.models import ExpertAssignment
from tests.factories import PASSWORD
from tests.filings import pdf
from tests.logins import login
from tests.portal import access_world
from tests.portal.access_world import INVITATION_TOKEN

# The matrix's columns, in order (who each is: tests/portal/access_world.py; "exprt" is the expert assigned to
# the expert call's applications, "strgr" the expert invited to nothing).
PERSONAS = ["anon", "alice", "bob", "charlie", "lead", "co", "other", "fin", "expert", "stranger", "admin"]
OUTCOMES = {"200", "403", "404", "405", "login", "admin-login", "302", "done", "kept"}
LOGIN_URL = "/accounts/login/"
ADMIN_LOGIN_URL = "/admin/login/"


def login_as(client: Client, user: User) -> Client:
    """Log `user` in, past the second factor where they have one (as if they had typed the code): the one
    place these tests sign in, so the matrix tests who may do what, not how one signs in."""
    return login(client, user)


# --- what a row points at ---------------------------------------------------------------------------------

OBJECTS = {
    # applications of org_a (alice, bob) and org_b (charlie)
    "a draft": lambda w: {"pk": w.a_draft.pk},
    "a submitted": lambda w: {"pk": w.a_submitted.pk},
    "a in review": lambda w: {"pk": w.a_review.pk},
    "a ready": lambda w: {"pk": w.a_ready.pk},
    "a with experts": lambda w: {"pk": w.a_expert.pk},
    "a awarded": lambda w: {"pk": w.a_awarded.pk},
    "b draft": lambda w: {"pk": w.b_draft.pk},
    "b submitted": lambda w: {"pk": w.b_submitted.pk},
    "a submitted v1": lambda w: {"pk": w.a_submitted.pk, "number": 1},
    "b submitted v1": lambda w: {"pk": w.b_submitted.pk, "number": 1},
    "a draft's file": lambda w: {"pk": w.a_draft.pk, "attachment_id": w.a_draft_attachment.pk},
    # files
    "draft file": lambda w: {"attachment_id": w.a_draft_attachment.pk},
    "submitted file": lambda w: {"attachment_id": w.a_submitted_attachment.pk},
    "expert's file": lambda w: {"attachment_id": w.a_expert_attachment.pk},
    "b's file": lambda w: {"attachment_id": w.b_submitted_attachment.pk},
    # review work
    "call": lambda w: {"call_id": w.call.pk},
    "expert call": lambda w: {"call_id": w.xcall.pk},
    "SMPA task": lambda w: {"pk": w.smpa_task.pk},
    "FIN task": lambda w: {"pk": w.fin_task.pk},
    "unstaffed task": lambda w: {"pk": w.unstaffed_task.pk},
    "staffed task": lambda w: {"pk": w.a_unstaffed_smpa_task.pk},
    "assignment": lambda w: {"pk": w.assignment.pk},
    # the internationalisation desk's cases (B II.5(12)) and SMPA's answer task
    "a case": lambda w: {"pk": w.a_case.pk},
    "a case routed": lambda w: {"pk": w.a_case_routed.pk},
    "a case answered": lambda w: {"pk": w.a_case_answered.pk},
    "b case": lambda w: {"pk": w.b_case.pk},
    "SMPA answer task": lambda w: {"pk": w.case_smpa_task.pk},
    # the thread of "a in review" (reviews/threads.py): STCSM's clarification request, its file, an internal file
    "a question": lambda w: {"pk": w.a_review.pk, "message_id": w.a_question.pk},
    "question's file": lambda w: {"attachment_id": w.a_question_file.pk},
    "internal file": lambda w: {"attachment_id": w.a_internal_file.pk},
    "undeclared": lambda w: {"pk": w.assignment_undeclared.pk},
    # awards
    "award on notice": lambda w: {"pk": w.notice_award.pk},
    "a's award": lambda w: {"pk": w.a_award.pk},
    "b's award": lambda w: {"pk": w.b_award.pk},
    "objection": lambda w: {"pk": w.objection.pk},
    "a's letter": lambda w: {"pk": w.a_letter.pk},
    "b's letter": lambda w: {"pk": w.b_letter.pk},
    "export": lambda w: {"pk": w.export.pk},
    # projects (issue 15)
    "a project": lambda w: {"pk": w.a_project.pk},
    "b project": lambda w: {"pk": w.b_project.pk},
    "running": lambda w: {"pk": w.a_running.pk},
    "running v1": lambda w: {"pk": w.a_running.pk, "number": 1},
    "filed report": lambda w: {"pk": w.a_running.pk, "report_id": w.a_report_filed.pk},
    "due report": lambda w: {"pk": w.a_running.pk, "report_id": w.a_report_due.pk},
    "variation": lambda w: {"pk": w.a_varied.pk, "variation_id": w.a_variation.pk},
    "acceptable": lambda w: {"pk": w.a_acceptable.pk},
    "applied": lambda w: {"pk": w.a_applied.pk},
    "failed": lambda w: {"pk": w.a_failed.pk},
    "conditions": lambda w: {"pk": w.a_conditions.pk},
    "evidence": lambda w: {"document_id": w.a_evidence.pk},
    "panel's file": lambda w: {"document_id": w.a_panel_document.pk},
    "instalment": lambda w: {"pk": w.a_instalment.pk},
    "proposal": lambda w: {"pk": w.a_proposal.pk},
    "seat": lambda w: {"pk": w.seat.pk},
    "undeclared seat": lambda w: {"pk": w.seat_undeclared.pk},
    "api running report": lambda w: {"pk": w.a_report_due.pk},
    "api filed report": lambda w: {"pk": w.a_report_filed.pk},
    "api variation": lambda w: {"pk": w.a_variation.pk},
    "running final report": lambda w: {"pk": w.a_running.pk, "kind": "final_report"},
    # registers
    "aid register": lambda w: {"code": "INTL24-FOREIGN-AID-CATALOGUE"},
    "a's entry": lambda w: {"pk": w.a_entry.pk},
    "entry on notice": lambda w: {"pk": w.notice_entry.pk},
    "a's certificate": lambda w: {"pk": w.a_certificate.pk},
    # the verification page of a letter, by the token printed on it (issue 17)
    "a's letter token": lambda w: {"token": w.a_letter.token},
    "a's certificate token": lambda w: {"token": w.a_certificate.token},
    "aid call": lambda w: {"call_id": w.aid_call.pk},
    "entry objection": lambda w: {"pk": w.entry_objection.pk},
    # teams
    "bob": lambda w: {"user_id": w.bob.pk},
    "a's invitation": lambda w: {"invitation_id": w.invitation_a.pk},
    "token": lambda w: {"token": INVITATION_TOKEN},
    # one's own account: bob's password-reset link, alice's verification link (she is verified), alice's API token
    "bob's reset link": lambda w: {
        "uidb64": urlsafe_base64_encode(force_bytes(w.bob.pk)),
        "token": default_token_generator.make_token(w.bob),
    },
    "junk reset link": lambda w: {"uidb64": "MQ", "token": "abc-0123456789abcdef"},
    "alice's verification": lambda w: {"token": email_verification_token(w.alice)},
    "junk verification": lambda w: {"token": "not-a-signed-value"},
    "alice's token": lambda w: {"token_key": w.alice_token.token_key},
    "alice's item": lambda w: {"pk": w.alice_item.pk},
    # the API's calls and the admin
    "open call": lambda w: {"pk": w.call.pk},
    "a's alert": lambda w: {"pk": w.a_alert.pk},
    "org_a": lambda w: {"object_id": w.org_a.pk},
}

# --- what a write request sends -------------------------------------------------------------------------

BODIES = {
    "language": lambda w: {"language": "en", "next": "/"},
    "invite": lambda w: {"email": "frank2@example.com"},
    "draft": lambda w: {"title": "Changed", "facts-rd_spending": "1"},
    "facts": lambda w: {f"facts-{k}": v for k, v in {"rd_spending": "8000000", "drug_category": "chemical"}.items()},
    "reason": lambda w: {"reason": "No longer needed."},
    "upload": lambda w: {"document_type": "clinical_trial_approval", "file": pdf()},
    "assign": lambda w: {"tasks": [w.a_formal_task.pk], "assignee": w.lead.pk},
    "start check": lambda w: {"action": "start_formal_check"},
    "reject": lambda w: {"action": "reject", "reason": "Not convincing."},
    "opinion": lambda w: {"opinion": "support", "reasons": "Fine."},
    "budget": lambda w: {"confirmed": "true", "note": ""},
    "waive": lambda w: {f"waive-{w.unstaffed_task.pk}-reason": "Nobody of the unit is registered."},
    "waive staffed": lambda w: {f"waive-{w.a_unstaffed_smpa_task.pk}-reason": "Nobody of the unit is registered."},
    "no conflict": lambda w: {"has_conflict": "false"},
    "route": lambda w: {"units": [w.co.commission_id]},
    "answer": lambda w: {"answer": "SMPA confirms the trial approval to Customs.", "internal_note": ""},
    "score": lambda w: {"score_innovation": "80", "score_feasibility": "70", "comment": "Sound."},
    "dismiss": lambda w: {"upheld": "false", "resolution": "Unfounded."},
    "dismiss several": lambda w: {"objections": [w.objection.pk], "resolution": "Unfounded."},
    "removal": lambda w: {"reason": "The registration certificate was revoked."},
    "payment": lambda w: {
        "form": "payment",
        "amount": "1000",
        "paid_on": timezone.localdate().isoformat(),
        "reference": "P-1",
    },
    "credentials": lambda w: {"username": "bob", "password": PASSWORD},
    # projects (issue 15)
    "statement": lambda w: {"goals": "Changed goals.", "intent": "save"},
    "return statement": lambda w: {"statement-decision": "no", "statement-reason": "Give the indicators units."},
    "report": lambda w: {"value_i1": "64", "value_i2": "0", "narrative": "On track."},
    "evidence": lambda w: {"file": pdf()},
    "accept report": lambda w: {"report-decision": "yes"},
    "variation": lambda w: {"kind": "change_lead", "name": "Dr Zhou", "grounds": "Dr Li left."},
    "approve variation": lambda w: {f"variation-{w.a_variation.pk}-decision": "yes"},
    "apply": lambda w: {"summary": "Done.", "audited_spending": "9800000", "achieved_i1": "126", "achieved_i2": "1"},
    "acceptance document": lambda w: {"kind": "final_report", "file": pdf()},
    "panel": lambda w: {"panel-experts": [w.expert.pk]},
    "pass": lambda w: {"acceptance-outcome": "passed", "acceptance-reasons": "All met."},
    "conditions met": lambda w: {"conditions-reason": "The CSR was filed."},
    "amend clawback": lambda w: {"clawback-amount": "1500000", "clawback-reason": "Part of the work is usable."},
    "pay": lambda w: {"paid_on": timezone.localdate().isoformat(), "reference": "P-1"},
    "panel score": lambda w: {"score_goals": "80", "score_indicators": "80", "score_spending": "80"},
    "api statement": lambda w: {"goals": "Changed through the API."},
    "api accept": lambda w: {"decision": "accept"},
    "api variation request": lambda w: {"kind": "change_lead", "change": {"name": "Dr Zhou"}, "grounds": "Dr Li left."},
    "api apply": lambda w: {"summary": "Done.", "audited_spending": "9800000", "achieved": {"i1": "126", "i2": "1"}},
    "api pass": lambda w: {"outcome": "passed", "reasons": "All met."},
    "api report": lambda w: {"values": {"i1": "64", "i2": "0"}, "narrative": "On track."},
    "api approve": lambda w: {"decision": "approve"},
    "api pay": lambda w: {"paid_on": timezone.localdate().isoformat()},
    # JSON bodies of the API
    "estimate": lambda w: {
        "program": "BIO21-DRUG-INNOVATIVE",
        "track": "phase_2",
        "facts": {
            "rd_spending": "10000000",
            "drug_category": "chemical",
            "class_1": True,
            "made_in_shanghai": True,
            "milestone_date": "2023-03-01",
        },
    },
    "new draft": lambda w: {"call": w.call.pk, "track": "phase_1", "title": "Filed through the API"},
    "rename": lambda w: {"title": "Renamed through the API"},
    "api reason": lambda w: {"reason": "No longer needed."},
    "api start check": lambda w: {"action": "start_formal_check"},
    "api opinion": lambda w: {"opinion": "support"},
    "api budget": lambda w: {"confirmed": True},
    "api route": lambda w: {"units": ["SMPA", "HEALTH"]},
    "api answer": lambda w: {"answer": "SMPA confirms the trial approval to Customs."},
    "message": lambda w: {"message-body": "Our trial site moved to Ruijin Hospital."},
    "clarify": lambda w: {
        f"answer-{w.a_question.pk}-body": "Ruijin Hospital.",
        f"answer-{w.a_question.pk}-files": pdf(),
    },
    "api message": lambda w: {"body": "Our trial site moved to Ruijin Hospital."},
    "api clarify": lambda w: {"body": "Ruijin Hospital."},
    "broadcast": lambda w: {"subject": "Deadline moved", "body": "The call closes a week later.", "confirm": "yes"},
    "api broadcast": lambda w: {"subject": "Deadline moved", "body": "The call closes a week later."},
    "alert": lambda w: {"criterion": "program", "value": "BIO24-DEVICE-INNOVATIVE"},
    "api alert": lambda w: {"criterion": "program", "value": "BIO24-DEVICE-INNOVATIVE"},
    "empty": lambda w: {},
    "publish": lambda w: {"confirm": "on"},
    # the inbox (issue 16): every kind at once but letters in the digest
    "inbox choices": lambda w: {kind: "immediate" for kind in NotificationKind.values} | {"letter": "digest"},
    "api inbox choices": lambda w: {"letter": "digest"},
}
JSON_BODIES = {
    "estimate",
    "new draft",
    "rename",
    "api reason",
    "api start check",
    "api opinion",
    "api budget",
    "api route",
    "api answer",
    "api message",
    "api clarify",
    "api alert",
}
# The projects' JSON bodies (issue 15) are those named "api ...".
JSON_BODIES |= {key for key in BODIES if key.startswith("api ")}


@dataclass(frozen=True)
class Row:
    name: str  # the URL's name
    target: str | None  # a key of OBJECTS, or None for a URL without arguments
    cells: str  # one outcome per persona, in the order of PERSONAS
    method: str = "get"
    body: str | None = None  # a key of BODIES
    query: Any = None  # (world) -> query string
    expected: dict = field(init=False, compare=False)

    def __post_init__(self):
        cells = self.cells.split()
        assert len(cells) == len(PERSONAS), self
        assert set(cells) <= OUTCOMES, self
        object.__setattr__(self, "expected", dict(zip(PERSONAS, cells, strict=True)))

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.name}" + (f" [{self.target}]" if self.target else "")


P = "post"
ADMIN_ONLY = "admin-login " * 10 + "200"  # the Django admin's own login page for everyone but administrators

# fmt: off
MATRIX = [
    # --- public pages: everyone, signed in or not ----------------------------------------------------------
    #   url name                           object                anon  alice bob   charl lead  co    other fin   exprt strgr admin
    Row("home",                            None,                "200   200   200   200   200   200   200   200   200   200   200"),
    Row("healthz",                         None,                "200   200   200   200   200   200   200   200   200   200   200"),
    Row("healthz-live",                    None,                "200   200   200   200   200   200   200   200   200   200   200"),
    Row("estimate",                        None,                "200   200   200   200   200   200   200   200   200   200   200"),
    Row("login",                           None,                "200   200   200   200   200   200   200   200   200   200   200"),
    Row("logout",                          None,                "302   302   302   302   302   302   302   302   302   302   302", P, "empty"),
    # the second factor: anyone signed in is sent on (to set up an app, or back once verified); setting one
    # up is offered to commission staff and administrators
    Row("two-factor-verify",               None,                "login 302   302   302   302   302   302   302   302   302   302"),
    Row("two-factor-setup",                None,                "login 403   403   403   200   200   200   200   403   403   200"),
    Row("set_language",                    None,                "302   302   302   302   302   302   302   302   302   302   302", P, "language"),
    Row("calls",                           None,                "200   200   200   200   200   200   200   200   200   200   200"),
    # a call's own page is as public as the calls page; filing and alerts are offered on it to members
    Row("call-detail",                     "open call",         "200   200   200   200   200   200   200   200   200   200   200"),
    Row("notices",                         None,                "200   200   200   200   200   200   200   200   200   200   200"),
    Row("objection",                       "award on notice",   "200   200   200   200   200   200   200   200   200   200   200"),
    # an award that is not (or no longer) on public notice is nobody's business through this page
    Row("objection",                       "a's award",         "404   404   404   404   404   404   404   404   404   404   404"),
    Row("open-data-json",                  None,                "200   200   200   200   200   200   200   200   200   200   200"),
    # the public registers and their open data; an entry on notice takes objections, a listed one none
    Row("registers",                       None,                "200   200   200   200   200   200   200   200   200   200   200"),
    Row("public-register",                 "aid register",      "200   200   200   200   200   200   200   200   200   200   200"),
    Row("public-register-json",            "aid register",      "200   200   200   200   200   200   200   200   200   200   200"),
    Row("public-register-csv",             "aid register",      "200   200   200   200   200   200   200   200   200   200   200"),
    Row("register-objection",              "entry on notice",   "200   200   200   200   200   200   200   200   200   200   200"),
    Row("register-objection",              "a's entry",         "404   404   404   404   404   404   404   404   404   404   404"),
    Row("open-data-csv",                   None,                "200   200   200   200   200   200   200   200   200   200   200"),
    # a letter's verification page is public: whoever holds the token (throttled per address: two rows at most)
    Row("verify",                          "a's letter token",  "200   200   200   200   200   200   200   200   200   200   200"),
    Row("schema",                          None,                "200   200   200   200   200   200   200   200   200   200   200"),
    Row("api-docs",                        None,                "200   200   200   200   200   200   200   200   200   200   200"),
    # a forgotten password: the form and its pages are for anyone (the same answer whatever the address; the POST
    # is rate-limited per client address, so it is tested in tests/portal/test_accounts.py, not eleven times here);
    # a reset link is its own credential and leads on to the new-password form
    Row("password_reset",                  None,                "200   200   200   200   200   200   200   200   200   200   200"),
    Row("password_reset_done",             None,                "200   200   200   200   200   200   200   200   200   200   200"),
    Row("password_reset_confirm",          "bob's reset link",  "302   302   302   302   302   302   302   302   302   302   302"),
    Row("password_reset_confirm",          "junk reset link",   "200   200   200   200   200   200   200   200   200   200   200"),
    Row("password_reset_complete",         None,                "200   200   200   200   200   200   200   200   200   200   200"),
    # verifying an address: the link is the credential (alice's is verified already: nothing changes), a
    # junk one is not found; asking for the link again is for someone signed in (everyone here is verified)
    Row("email-verify",                    "alice's verification", "login 302   302   302   302   302   302   302   302   302   302"),
    Row("email-verify",                    "junk verification", "404   404   404   404   404   404   404   404   404   404   404"),
    Row("email-verify-resend",             None,                "login 302   302   302   302   302   302   302   302   302   302", P, "empty"),
    # one's API tokens: each person sees only their own (the page lists none for the others), and only
    # alice revokes alice's
    Row("api-tokens",                      None,                "login 200   200   200   200   200   200   200   200   200   200"),
    Row("api-token-revoke",                "alice's token",     "login done  404   404   404   404   404   404   404   404   404", P, "empty"),
    # one's inbox: everyone signed in has one; an item is its owner's alone (opening it marks it read), 404 to
    # anyone else, administrators included; "mark all read" writes only for whom the world left unread items:
    # the organisations' members (their steps), the lead (statements submitted, the award's objection) and
    # COMMERCE (the objection to its register's entry)
    Row("inbox",                           None,                "login 200   200   200   200   200   200   200   200   200   200"),
    Row("inbox-item",                      "alice's item",      "login done  404   404   404   404   404   404   404   404   404"),
    Row("inbox-read-all",                  None,                "login done  done  done  done  302   done  302   302   302   302", P, "empty"),
    Row("inbox-settings",                  None,                "login 200   200   200   200   200   200   200   200   200   200"),
    Row("inbox-settings",                  None,                "login done  done  done  done  done  done  done  done  done  done", P, "inbox choices"),
    # signing up is for visitors; anyone signed in is sent on
    Row("register",                        None,                "200   302   302   302   302   302   302   302   302   302   302"),
    # an invitation link is its own credential: the page tells a signed-in person what to do
    Row("invitation-accept",               "token",             "200   200   200   200   200   200   200   200   200   200   200"),

    # --- the organisation's team (the signed-in user's own organisation; managing it is for its admin) -----
    #   url name                           object                anon  alice bob   charl lead  co    other fin   exprt strgr admin
    Row("team",                            None,                "login 200   200   200   404   404   404   404   404   404   404"),
    Row("team-invite",                     None,                "login done  403   done  404   404   404   404   404   404   404", P, "invite"),
    Row("team-member-remove",              "bob",               "login done  403   404   404   404   404   404   404   404   404", P, "empty"),
    Row("team-invitation-revoke",          "a's invitation",    "login done  403   404   404   404   404   404   404   404   404", P, "empty"),
    # the organisation's call alerts: any member who may apply for it chooses them; another's is not found
    Row("alerts",                          None,                "login 200   200   200   404   404   404   404   404   404   404"),
    Row("alerts",                          None,                "login done  done  done  404   404   404   404   404   404   404", P, "alert"),
    Row("alert-remove",                    "a's alert",         "login done  done  404   404   404   404   404   404   404   404", P, "empty"),

    # --- filing: the enterprise side -------------------------------------------------------------------------
    #   url name                           object                anon  alice bob   charl lead  co    other fin   exprt strgr admin
    Row("dashboard",                       None,                "login 200   200   200   404   404   404   404   404   404   404"),
    Row("application-new",                 None,                "login 200   200   200   404   404   404   404   404   404   404",
        query=lambda w: f"?call={w.call.pk}"),
    # a draft is the organisation's alone; once submitted, the routed commissions and the admin see it
    Row("application-detail",              "a draft",           "login 200   200   404   404   404   404   404   404   404   404"),
    Row("application-detail",              "a submitted",       "login 200   200   404   200   404   404   404   404   404   200"),
    Row("application-detail",              "a in review",       "login 200   200   404   200   200   404   200   404   404   200"),
    Row("application-detail",              "a with experts",    "login 200   200   404   200   200   404   200   200   404   200"),
    Row("application-detail",              "a awarded",         "login 200   200   404   200   200   404   200   404   404   200"),
    Row("application-detail",              "b draft",           "login 404   404   200   404   404   404   404   404   404   404"),
    Row("application-detail",              "b submitted",       "login 404   404   200   200   404   404   404   404   404   200"),
    Row("application-edit",                "a draft",           "login 200   200   404   404   404   404   404   404   404   404"),
    Row("application-edit",                "a draft",           "login done  done  404   404   404   404   404   404   404   404", P, "draft"),
    # a submitted application is frozen: whoever sees it is sent back to its page
    Row("application-edit",                "a submitted",       "login 302   302   404   302   404   404   404   404   404   302"),
    Row("application-edit",                "a submitted",       "login kept  kept  404   kept  404   404   404   404   404   kept", P, "draft"),
    Row("application-estimate",            "a draft",           "login 200   200   404   404   404   404   404   404   404   404", P, "facts"),
    Row("application-receipt",             "a submitted",       "login 200   200   404   200   404   404   404   404   404   200"),
    Row("application-receipt",             "b submitted",       "login 404   404   200   200   404   404   404   404   404   200"),
    Row("application-version",             "a submitted v1",    "login 200   200   404   200   404   404   404   404   404   200"),
    Row("application-version",             "b submitted v1",    "login 404   404   200   200   404   404   404   404   404   200"),
    # withdrawing is the applicant's step: others who see the file are sent back to its page
    Row("application-withdraw",            "a submitted",       "login 200   200   404   302   404   404   404   404   404   302"),
    Row("application-withdraw",            "a submitted",       "login done  done  404   kept  404   404   404   404   404   kept", P, "reason"),
    Row("attachment-upload",               "a draft",           "login done  done  404   404   404   404   404   404   404   404", P, "upload"),
    Row("attachment-upload",               "a submitted",       "login kept  kept  404   kept  404   404   404   404   404   kept", P, "upload"),
    Row("attachment-remove",               "a draft's file",    "login done  done  404   404   404   404   404   404   404   404", P, "empty"),
    # a document never submitted is the applicant's; a submitted one goes to whoever reviews the file
    # a desk case is followed on its case page (the file's page sends there); the enterprise reopens it once or
    # closes it, those who see it but are not the enterprise are told why not
    Row("application-detail",              "a case routed",     "login 302   302   404   302   302   404   404   404   404   302"),
    Row("desk-case",                       "a case routed",     "login 200   200   404   200   200   404   404   404   404   200"),
    Row("desk-case",                       "a case answered",   "login 200   200   404   200   200   404   404   404   404   200"),
    Row("desk-case",                       "b case",            "login 404   404   200   200   200   404   404   404   404   200"),
    Row("desk-case",                       "a submitted",       "login 404   404   404   404   404   404   404   404   404   404"),
    Row("desk-case-reopen",                "a case answered",   "login done  done  404   kept  kept  404   404   404   404   kept", P, "reason"),
    Row("desk-case-reopen",                "a case routed",     "login kept  kept  404   kept  kept  404   404   404   404   kept", P, "reason"),
    Row("desk-case-close",                 "a case answered",   "login done  done  404   kept  kept  404   404   404   404   kept", P, "empty"),
    Row("desk-case-close",                 "b case",            "login 404   404   done  kept  kept  404   404   404   404   kept", P, "empty"),
    # an application's thread (issue 16): its team, the commissions holding a task, administrators read-only
    Row("thread",                          "a in review",       "login 200   200   404   200   200   404   200   404   404   200"),
    Row("thread",                          "a with experts",    "login 200   200   404   200   200   404   200   404   404   200"),
    Row("thread",                          "a draft",           "login 200   200   404   404   404   404   404   404   404   404"),
    Row("thread",                          "b submitted",       "login 404   404   200   200   404   404   404   404   404   200"),
    Row("thread-post",                     "a in review",       "login done  done  404   done  done  404   done  404   404   kept", P, "message"),
    Row("thread-post",                     "a draft",           "login kept  kept  404   404   404   404   404   404   404   404", P, "message"),
    Row("thread-answer",                   "a question",        "login done  done  404   kept  kept  404   kept  404   404   kept", P, "clarify"),
    Row("thread-file",                     "question's file",   "login 200   200   404   200   200   404   200   404   404   200"),
    Row("thread-file",                     "internal file",     "login 404   404   404   200   200   404   200   404   404   200"),
    Row("attachment-download",             "draft file",        "login 200   200   404   404   404   404   404   404   404   404"),
    Row("attachment-download",             "submitted file",    "login 200   200   404   200   404   404   404   404   404   200"),
    Row("attachment-download",             "expert's file",     "login 200   200   404   200   200   404   200   200   404   200"),
    Row("attachment-download",             "b's file",          "login 404   404   200   200   404   404   404   404   404   200"),

    # --- review: each commission its own tasks, the lead commission decides -----------------------------------
    #   url name                           object                anon  alice bob   charl lead  co    other fin   exprt strgr admin
    Row("review-queue",                    None,                "login 404   404   404   200   200   200   200   404   404   404"),
    # a task of another commission is not a valid choice: the form refuses it and nothing is assigned
    Row("review-assign",                   None,                "login 404   404   404   done  kept  kept  kept  404   404   404", P, "assign"),
    Row("review-application",              "a submitted",       "login 404   404   404   200   404   404   404   404   404   404"),
    Row("review-application",              "a in review",       "login 404   404   404   200   200   404   200   404   404   404"),
    Row("review-application",              "b submitted",       "login 404   404   404   200   404   404   404   404   404   404"),
    Row("review-formal-check",             "a submitted",       "login 404   404   404   done  404   404   404   404   404   404", P, "start check"),
    Row("review-formal-check",             "a in review",       "login 404   404   404   kept  kept  404   kept  404   404   404", P, "start check"),
    Row("review-decide",                   "a ready",           "login 404   404   404   done  kept  404   kept  404   404   404", P, "reject"),
    Row("review-opinion",                  "SMPA task",         "login 404   404   404   404   done  404   404   404   404   404", P, "opinion"),
    # going ahead without an opinion nobody is registered to give is the lead's; those who see the file but
    # may not act are told why; a unit with an officer is waited for, even by the lead
    Row("review-proceed-without",          "unstaffed task",    "login 404   404   404   done  kept  404   kept  404   404   404", P, "waive"),
    Row("review-proceed-without",          "staffed task",      "login 404   404   404   kept  kept  404   kept  404   404   404", P, "waive staffed"),
    Row("review-budget",                   "FIN task",          "login 404   404   404   404   404   404   done  404   404   404", P, "budget"),
    Row("review-ranking",                  "expert call",       "login 404   404   404   200   404   404   404   404   404   404"),
    # a desk case: the lead routes it (once, until it is reopened), each routed unit answers for itself
    #   url name                           object                anon  alice bob   charl lead  co    other fin   exprt strgr admin
    Row("review-application",              "a case",            "login 404   404   404   200   404   404   404   404   404   404"),
    Row("review-application",              "a case routed",     "login 404   404   404   200   200   404   404   404   404   404"),
    Row("review-route",                    "a case",            "login 404   404   404   done  404   404   404   404   404   404", P, "route"),
    Row("review-route",                    "a case routed",     "login 404   404   404   kept  kept  404   404   404   404   404", P, "route"),
    Row("review-answer",                   "SMPA answer task",  "login 404   404   404   404   done  404   404   404   404   404", P, "answer"),
    Row("expert-home",                     None,                "login 404   404   404   404   404   404   404   200   200   404"),
    Row("expert-declare",                  "undeclared",        "login 404   404   404   404   404   404   404   done  404   404", P, "no conflict"),
    Row("expert-assignment",               "assignment",        "login 404   404   404   404   404   404   404   200   404   404"),
    Row("expert-assignment",               "undeclared",        "login 404   404   404   404   404   404   404   404   404   404"),
    Row("expert-assignment",               "assignment",        "login 404   404   404   404   404   404   404   done  404   404", P, "score"),

    # --- awards: the lead commission's call page, the Finance Bureau, letters ---------------------------------
    #   url name                           object                anon  alice bob   charl lead  co    other fin   exprt strgr admin
    Row("call-awards",                     "call",              "login 404   404   404   200   404   404   404   404   404   404"),
    Row("publish-notice",                  "call",              "login 404   404   404   done  404   404   404   404   404   404", P, "publish"),
    Row("resolve-objection",               "objection",         "login 404   404   404   done  404   404   404   404   404   404", P, "dismiss"),
    Row("dismiss-objections",              "call",              "login 404   404   404   done  404   404   404   404   404   404", P, "dismiss several"),
    # the lead commission writes to the call's applicants; administrators read the record and are told why not
    Row("call-broadcasts",                 "call",              "login 404   404   404   200   404   404   404   404   404   200"),
    Row("call-broadcasts",                 "call",              "login 404   404   404   done  404   404   404   404   404   kept", P, "broadcast"),
    Row("finance",                         None,                "login 404   404   404   404   404   404   200   404   404   404"),
    Row("finance-award",                   "a's award",         "login 404   404   404   404   404   404   200   404   404   404"),
    # a's award has a project: it is paid by the project's instalments (finance-instalment-pay), not on the award
    Row("finance-award",                   "a's award",         "login 404   404   404   404   404   404   kept  404   404   404", P, "payment"),
    # a letter goes to the organisation and the commissions the file was routed to, never to an expert
    Row("letter-download",                 "a's letter",        "login 200   200   404   200   200   404   200   404   404   200"),
    Row("letter-download",                 "b's letter",        "login 404   404   200   200   200   404   200   404   404   200"),
    # a certificate goes to the holder and the commissions its file was routed to (COMMERCE keeps the register)
    Row("letter-download",                 "a's certificate",   "login 200   200   404   404   404   200   404   404   404   200"),

    # --- registers: an entry's page (holder, keeper, routed staff), removal and the keeper's pages ------------
    #   url name                           object                anon  alice bob   charl lead  co    other fin   exprt strgr admin
    Row("register-entry",                  "a's entry",         "login 200   200   404   404   404   200   404   404   404   200"),
    # removing is the keeper's: the holder and the administrator see the entry and are told why not
    Row("register-entry-remove",           "a's entry",         "login kept  kept  404   404   404   done  404   404   404   kept", P, "removal"),
    Row("led-registers",                   None,                "login 404   404   404   200   200   200   404   404   404   404"),
    Row("call-register",                   "aid call",          "login 404   404   404   404   404   200   404   404   404   404"),
    Row("register-publish",                "aid call",          "login 404   404   404   404   404   done  404   404   404   404", P, "empty"),
    Row("register-objection-resolve",      "entry objection",   "login 404   404   404   404   404   done  404   404   404   404", P, "dismiss"),

    # --- projects after the award (issue 15): the organisation, the lead commission, Finance, administrators ------
    #   url name                           object                anon  alice bob   charl lead  co    other fin   exprt strgr admin
    Row("my-projects",                     None,                "login 200   200   200   404   404   404   404   404   404   404"),
    Row("project-detail",                  "a project",         "login 200   200   404   200   404   404   200   404   404   200"),
    Row("project-detail",                  "b project",         "login 404   404   200   200   404   404   200   404   404   200"),
    # the statement is the organisation's to draft; those who see the project but may not are sent back to it
    Row("project-statement",               "a project",         "login 200   200   404   302   404   404   302   404   404   302"),
    Row("project-statement",               "a project",         "login done  done  404   kept  404   404   kept  404   404   kept", P, "statement"),
    Row("project-statement-decide",        "b project",         "login 404   404   kept  done  404   404   kept  404   404   kept", P, "return statement"),
    Row("project-version",                 "running v1",        "login 200   200   404   200   404   404   200   404   404   200"),
    Row("project-report",                  "filed report",      "login 200   200   404   200   404   404   200   404   404   200"),
    Row("project-report",                  "due report",        "login done  done  404   kept  404   404   kept  404   404   kept", P, "report"),
    Row("project-report-evidence",         "due report",        "login done  done  404   kept  404   404   kept  404   404   kept", P, "evidence"),
    Row("project-report-decide",           "filed report",      "login kept  kept  404   done  404   404   kept  404   404   kept", P, "accept report"),
    Row("project-variation-new",           "running",           "login 200   200   404   302   404   404   302   404   404   302"),
    Row("project-variation-new",           "running",           "login done  done  404   kept  404   404   kept  404   404   kept", P, "variation"),
    Row("project-variation-decide",        "variation",         "login kept  kept  404   done  404   404   kept  404   404   kept", P, "approve variation"),
    Row("project-acceptance",              "running",           "login 200   200   404   200   404   404   200   404   404   200"),
    Row("project-acceptance",              "acceptable",        "login done  done  404   kept  404   404   kept  404   404   kept", P, "apply"),
    Row("project-acceptance-document",     "running",           "login done  done  404   kept  404   404   kept  404   404   kept", P, "acceptance document"),
    Row("project-panel",                   "applied",           "login kept  kept  404   done  404   404   kept  404   404   kept", P, "panel"),
    Row("project-acceptance-decide",       "applied",           "login kept  kept  404   done  404   404   kept  404   404   kept", P, "pass"),
    Row("project-conditions",              "conditions",        "login kept  kept  404   done  404   404   kept  404   404   kept", P, "conditions met"),
    Row("project-clawback-amend",          "failed",            "login kept  kept  404   done  404   404   kept  404   404   kept", P, "amend clawback"),
    # a report's evidence: whoever sees the project; a panel's file also to its experts once they declared
    Row("project-document",                "evidence",          "login 200   200   404   200   404   404   200   404   404   200"),
    Row("project-document",                "panel's file",      "login 200   200   404   200   404   404   200   200   404   200"),
    Row("project-queue",                   None,                "login 404   404   404   200   200   200   404   404   404   404"),
    Row("finance-instalments",             None,                "login 404   404   404   404   404   404   200   404   404   404"),
    Row("finance-instalment-pay",          "instalment",        "login 404   404   404   404   404   404   done  404   404   404", P, "pay"),
    Row("finance-repayment",               "proposal",          "login 404   404   404   404   404   404   done  404   404   404", P, "empty"),
    Row("expert-acceptances",              None,                "login 404   404   404   404   404   404   404   200   200   404"),
    Row("expert-acceptance-declare",       "undeclared seat",   "login 404   404   404   404   404   404   404   done  404   404", P, "no conflict"),
    Row("expert-acceptance",               "seat",              "login 404   404   404   404   404   404   404   200   404   404"),
    Row("expert-acceptance",               "seat",              "login 404   404   404   404   404   404   404   done  404   404", P, "panel score"),

    # --- reports: administrators only -------------------------------------------------------------------------
    #   url name                           object                anon  alice bob   charl lead  co    other fin   exprt strgr admin
    Row("reports",                         None,                "login 404   404   404   404   404   404   404   404   404   200"),
    Row("report-csv",                      None,                "login 404   404   404   404   404   404   404   404   404   200"),
    Row("report-xlsx",                     None,                "login 404   404   404   404   404   404   404   404   404   done", P, "empty"),
    Row("report-export",                   "export",            "login 404   404   404   404   404   404   404   404   404   200"),
    Row("report-export-download",          "export",            "login 404   404   404   404   404   404   404   404   404   200"),
    Row("dashboard-admin",                 None,                "login 404   404   404   404   404   404   404   404   404   200"),

    # --- the API: 403 to anonymous callers, 404 for objects one may not see, 403 for a step one may not take ----
    #   url name                           object                anon  alice bob   charl lead  co    other fin   exprt strgr admin
    Row("v1:award-estimates",              None,                "200   200   200   200   200   200   200   200   200   200   200", P, "estimate"),
    # a token for bob's password, whoever asks: the password is the credential
    Row("v1:auth-token",                   None,                "done  done  done  done  done  done  done  done  done  done  done", P, "credentials"),
    Row("v1:own-token-list",               None,                "403   200   200   200   200   200   200   200   200   200   200"),
    Row("v1:own-token-detail",             "alice's token",     "403   done  404   404   404   404   404   404   404   404   404", "delete"),
    Row("v1:call-list",                    None,                "200   200   200   200   200   200   200   200   200   200   200"),
    Row("v1:call-detail",                  "open call",         "200   200   200   200   200   200   200   200   200   200   200"),
    Row("v1:call-broadcasts",              "open call",         "403   404   404   404   200   404   404   404   404   404   200"),
    Row("v1:call-broadcasts",              "open call",         "403   404   404   404   done  404   404   404   404   404   403", P, "api broadcast"),
    Row("v1:call-alert-list",              None,                "403   200   200   200   404   404   404   404   404   404   404"),
    Row("v1:call-alert-list",              None,                "403   done  done  done  404   404   404   404   404   404   404", P, "api alert"),
    Row("v1:call-alert-detail",            "a's alert",         "403   200   200   404   404   404   404   404   404   404   404"),
    Row("v1:call-alert-detail",            "a's alert",         "403   done  done  404   404   404   404   404   404   404   404", "delete"),
    Row("v1:organisation-me",              None,                "403   200   200   200   404   404   404   404   404   404   404"),
    Row("v1:application-list",             None,                "403   200   200   200   200   200   200   200   200   200   200"),
    Row("v1:application-list",             None,                "403   done  done  done  403   403   403   403   403   403   403", P, "new draft"),
    Row("v1:application-detail",           "a draft",           "403   200   200   404   404   404   404   404   404   404   404"),
    Row("v1:application-detail",           "a submitted",       "403   200   200   404   200   404   404   404   404   404   200"),
    Row("v1:application-detail",           "b submitted",       "403   404   404   200   200   404   404   404   404   404   200"),
    Row("v1:application-detail",           "a draft",           "403   done  done  404   404   404   404   404   404   404   404", "patch", "rename"),
    Row("v1:application-submit",           "a draft",           "403   done  done  404   404   404   404   404   404   404   404", P, "empty"),
    Row("v1:application-withdraw",         "a submitted",       "403   done  done  404   403   404   404   404   404   404   403", P, "api reason"),
    Row("v1:application-messages",         "a in review",       "403   200   200   404   200   200   404   200   404   404   200"),
    Row("v1:application-messages",         "a in review",       "403   done  done  404   done  done  404   done  404   404   403", P, "api message"),
    Row("v1:application-messages-answer",  "a question",        "403   done  done  404   403   403   404   403   404   404   403", P, "api clarify"),
    Row("v1:application-attachments",      "a draft",           "403   done  done  404   404   404   404   404   404   404   404", P, "upload"),
    Row("v1:application-transitions",      "a submitted",       "403   403   403   404   done  404   404   404   404   404   403", P, "api start check"),
    Row("v1:review-task-list",             None,                "403   200   200   200   200   200   200   200   200   200   200"),
    Row("v1:review-task-detail",           "SMPA task",         "403   404   404   404   404   200   404   404   404   404   404"),
    Row("v1:review-task-opinion",          "SMPA task",         "403   404   404   404   404   done  404   404   404   404   404", P, "api opinion"),
    Row("v1:review-task-budget",           "FIN task",          "403   404   404   404   404   404   404   done  404   404   404", P, "api budget"),
    Row("v1:review-task-answer",           "SMPA answer task",  "403   404   404   404   404   done  404   404   404   404   404", P, "api answer"),
    Row("v1:desk-case-list",               None,                "403   200   200   200   200   200   200   200   200   200   200"),
    Row("v1:desk-case-detail",             "a case routed",     "403   200   200   404   200   200   404   404   404   404   200"),
    Row("v1:desk-case-detail",             "b case",            "403   404   404   200   200   200   404   404   404   404   200"),
    Row("v1:desk-case-detail",             "a submitted",       "403   404   404   404   404   404   404   404   404   404   404"),
    Row("v1:desk-case-route",              "a case",            "403   403   403   404   done  404   404   404   404   404   403", P, "api route"),
    Row("v1:desk-case-reopen",             "a case answered",   "403   done  done  404   403   403   404   404   404   404   403", P, "api reason"),
    Row("v1:desk-case-close",              "a case answered",   "403   done  done  404   403   403   404   404   404   404   403", P, "empty"),
    Row("v1:award-list",                   None,                "403   200   200   200   200   200   200   200   200   200   200"),
    Row("v1:award-detail",                 "a's award",         "403   200   200   404   200   200   404   200   404   404   200"),
    Row("v1:award-detail",                 "b's award",         "403   404   404   200   200   200   404   200   404   404   200"),
    Row("v1:letter-pdf",                   "a's letter",        "403   200   200   404   200   200   404   200   404   404   200"),
    Row("v1:letter-pdf",                   "b's letter",        "403   404   404   200   200   200   404   200   404   404   200"),
    Row("v1:verify",                       "a's certificate token", "200   200   200   200   200   200   200   200   200   200   200"),
    Row("v1:award-report",                 None,                "403   403   403   403   403   403   403   403   403   403   200"),
    # projects: the pages' permissions (a step one may not take is a 403 on a project one sees)
    Row("v1:project-list",                 None,                "403   200   200   200   200   200   200   200   200   200   200"),
    Row("v1:project-detail",               "a project",         "403   200   200   404   200   404   404   200   404   404   200"),
    Row("v1:project-detail",               "b project",         "403   404   404   200   200   404   404   200   404   404   200"),
    Row("v1:project-statement",            "a project",         "403   done  done  404   403   404   404   403   404   404   403", P, "api statement"),
    Row("v1:project-submit-statement",     "a project",         "403   done  done  404   403   404   404   403   404   404   403", P, "empty"),
    Row("v1:project-decide-statement",     "b project",         "403   404   404   403   done  404   404   403   404   404   403", P, "api accept"),
    Row("v1:project-request-variation",    "running",           "403   done  done  404   403   404   404   403   404   404   403", P, "api variation request"),
    Row("v1:project-acceptance-document",  "running final report", "403   done  done  404   403   404   404   403   404   404   403", P, "evidence"),
    Row("v1:project-apply-for-acceptance", "acceptable",        "403   done  done  404   403   404   404   403   404   404   403", P, "api apply"),
    Row("v1:project-decide-acceptance",    "applied",           "403   403   403   404   done  404   404   403   404   404   403", P, "api pass"),
    Row("v1:project-report-detail",        "api filed report",  "403   200   200   404   200   404   404   200   404   404   200"),
    Row("v1:project-report-file",          "api running report", "403   done  done  404   403   404   404   403   404   404   403", P, "api report"),
    Row("v1:project-report-evidence",      "api running report", "403   done  done  404   403   404   404   403   404   404   403", P, "evidence"),
    Row("v1:project-report-decide",        "api filed report",  "403   403   403   404   done  404   404   403   404   404   403", P, "api accept"),
    Row("v1:project-variation-detail",     "api variation",     "403   200   200   404   200   404   404   200   404   404   200"),
    Row("v1:project-variation-decide",     "api variation",     "403   403   403   404   done  404   404   403   404   404   403", P, "api approve"),
    Row("v1:instalment-list",              None,                "403   200   200   200   200   200   200   200   200   200   200"),
    Row("v1:instalment-detail",            "instalment",        "403   404   404   404   404   404   404   200   404   404   404"),
    Row("v1:instalment-pay",               "instalment",        "403   404   404   404   404   404   404   done  404   404   404", P, "api pay"),

    # the inbox: one's own items only (another's is a 404, administrators included)
    Row("v1:notification-list",            None,                "403   200   200   200   200   200   200   200   200   200   200"),
    Row("v1:notification-detail",          "alice's item",      "403   200   404   404   404   404   404   404   404   404   404"),
    Row("v1:notification-read",            "alice's item",      "403   done  404   404   404   404   404   404   404   404   404", P, "empty"),
    Row("v1:notification-read-all",        None,                "403   done  done  done  done  200   done  200   200   200   200", P, "empty"),
    Row("v1:notification-preferences",     None,                "403   200   200   200   200   200   200   200   200   200   200"),
    Row("v1:notification-preferences",     None,                "403   done  done  done  done  done  done  done  done  done  done", "put", "api inbox choices"),

    # --- the Django admin, as a group (every admin:* URL): administrators only -----------------------------
    #   url name                           object                anon  alice bob   charl lead  co    other fin   exprt strgr admin
    Row("admin:index",             None,           ADMIN_ONLY),
    Row("admin:portal_user_changelist", None,      ADMIN_ONLY),
    Row("admin:portal_organisation_change", "org_a", ADMIN_ONLY),
    Row("admin:applications_call_changelist", None, ADMIN_ONLY),
    Row("admin:reviews_reviewtask_changelist", None, ADMIN_ONLY),
    Row("admin:awards_award_changelist", None,     ADMIN_ONLY),
    Row("admin:applications_auditevent_changelist", None, ADMIN_ONLY),
]
# fmt: on

# URLs covered as a group by the admin rows above.
GROUPS = ("admin:",)
GROUP_ROUTES = ("admin/",)


# --- the world, built once for the module and rolled back at its end ------------------------------------------


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
            # Check the world's deferred foreign keys now, once: otherwise each test's teardown checks them
            # all again (its savepoint's rollback re-arms them), which costs more than the test.
            connection.check_constraints()
            built.sessions = {}
            for persona in PERSONAS[1:]:
                client = login_as(Client(), getattr(built, persona))
                built.sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            media.disable()
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)  # nothing of the world outlives this module
        outer.__exit__(None, None, None)
    media.disable()


@pytest.fixture(scope="module", autouse=True)
def _clear_cache():
    """Replaces tests/conftest.py's per-test flush of the Redis cache by one per module: no row here
    counts on an empty cache, and twelve hundred flushes cost seconds."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _worker_answers(monkeypatch):
    # /healthz reads the worker's heartbeat; none runs for these tests, and the page's access is what counts.
    monkeypatch.setattr("portal.health.check_celery", lambda heartbeat: {"ok": True})


# Sign-in state that requests write as a matter of course: the session (its expiry, for instance), login
# attempts, and the unconfirmed authenticator device the two-factor set-up page prepares when it is shown.
NOT_A_CHANGE = ("django_session", "axes_", "otp_")


def writes() -> dict[str, int]:
    """Rows inserted, updated or deleted so far in this transaction, per table (PostgreSQL's own count):
    a request that changes nothing leaves it as it was, whatever table it would have touched."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
            " WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"
        )
        return {table: n for table, n in cursor.fetchall() if not table.startswith(NOT_A_CHANGE)}


def written(before: dict, after: dict) -> list[str]:
    return sorted(table for table, n in after.items() if n != before.get(table, 0))


def request(client: Client, row: Row, w):
    kwargs = OBJECTS[row.target](w) if row.target else None
    url = reverse(row.name, kwargs=kwargs) + (row.query(w) if row.query else "")
    if row.method == "get":
        return client.get(url)
    if row.method == "delete":
        return client.delete(url)
    body = BODIES[row.body](w) if row.body else {}
    if row.body in JSON_BODIES:
        return client.generic(row.method.upper(), url, json.dumps(body), content_type="application/json")
    return client.post(url, body)


def assert_outcome(expected: str, response, changed: list[str], where: str) -> None:
    status, location = response.status_code, response.get("Location", "")
    seen = f"{where}: expected {expected}, got {status} {location}".strip()
    if expected == "login":
        assert status == 302 and location.startswith(LOGIN_URL), seen
    elif expected == "admin-login":
        assert status == 302 and location.startswith(ADMIN_LOGIN_URL), seen
    elif expected in ("302", "done", "kept"):
        allowed = {"302": {302}, "done": {200, 201, 204, 302}, "kept": {200, 302}}[expected]
        assert status in allowed, seen
        assert not location.startswith((LOGIN_URL, ADMIN_LOGIN_URL)), seen
    else:
        assert status == int(expected), seen
    if expected == "done":
        assert changed, f"{where}: accepted but nothing was written"
    else:
        assert not changed, f"{where}: answered {status} but wrote to {changed}"


CASES = [pytest.param(row, persona, id=f"{row.id} as {persona}") for row in MATRIX for persona in PERSONAS]


@pytest.mark.parametrize(("row", "persona"), CASES)
def test_access_matrix(world, db, row, persona):
    client = Client()
    if persona != "anon":
        # The person's session, signed in once for the module (login_as).
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[persona]
    client.cookies["django_language"] = "en"
    before = writes()
    response = request(client, row, world)
    if response.streaming:
        b"".join(response.streaming_content)  # read to the end, which closes the file
    assert_outcome(row.expected[persona], response, written(before, writes()), f"{row.id} as {persona}")


# --- every URL is in the matrix ---------------------------------------------------------------------------


def url_patterns(patterns=None, prefix="", namespace=""):
    """(name with its namespace, or None; full route) of every URL pattern, walking included URLconfs."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}{pattern.name}" if pattern.name else None, route)


def test_every_url_has_a_row_in_the_matrix():
    # A URL added without an access rule fails here: add its row (who may GET it, who may POST to it).
    covered = {row.name for row in MATRIX}
    missing = sorted(
        name or route
        for name, route in url_patterns()
        if name not in covered and not (name or "").startswith(GROUPS) and not route.startswith(GROUP_ROUTES)
    )
    assert missing == []


def test_every_row_names_an_existing_url():
    names = {name for name, _route in url_patterns()}
    assert sorted({row.name for row in MATRIX} - names) == []


def test_the_api_routers_are_walked_with_their_extra_actions():
    names = {name for name, _route in url_patterns()}
    assert {"v1:application-list", "v1:application-detail", "v1:application-transitions", "v1:review-task-opinion"} <= (
        names
    )


# --- lists show exactly what each person may see ------------------------------------------------------------

# alice's filings to the foreign-aid catalogue: routed to COMMERCE (it keeps the register), HEALTH and FAO only.
A_REGISTER = {"A listed device", "A device on notice", "A device approved"}
A_ALL = {
    "A draft",
    "A submitted",
    "A in review",
    "A ready for decision",
    "A with the experts",
    "A awaiting the declaration",
    "A awarded",
    "A on public notice",
    "A computed, not yet on notice",
    "A without an officer",
    *access_world.PROJECTS,
    *A_REGISTER,
}
B_ALL = {"B draft", "B submitted", "B awarded"}
# Past the formal check: routed to the co-reviewers and the Finance Bureau.
PAST_FORMAL_CHECK = A_ALL - {"A draft", "A submitted"} - A_REGISTER | {"B awarded"}
# Desk cases: the lead sees them all once submitted; SMPA those routed to it; the Finance Bureau none.
A_CASES = {"A case to route", "A case routed", "A case answered"}
ROUTED_TO_SMPA = {"A case routed", "A case answered", "B case answered"}
VISIBLE = {
    "alice": A_ALL | A_CASES,
    "bob": A_ALL | A_CASES,
    "charlie": B_ALL | {"B case answered"},
    "lead": (A_ALL | B_ALL | A_CASES | {"B case answered"}) - {"A draft", "B draft"} - A_REGISTER,
    "co": PAST_FORMAL_CHECK | ROUTED_TO_SMPA,
    "other": A_REGISTER,
    "fin": PAST_FORMAL_CHECK,  # a recognition has no budget task: the Finance Bureau never sees its files
    "expert": {"A with the experts"},  # declared no conflict; the other assignment still waits for it
    "stranger": set(),
    "admin": (A_ALL | B_ALL | A_CASES | {"B case answered"}) - {"A draft", "B draft"},
}


@pytest.mark.parametrize("persona", list(VISIBLE))
def test_the_application_list_shows_exactly_what_the_person_may_see(world, db, persona):
    client = login_as(Client(), getattr(world, persona))
    body = client.get(reverse("v1:application-list"), {"page_size": 200}).json()
    assert {row["title"] for row in body["results"]} == VISIBLE[persona]


def test_the_world_has_what_the_matrix_points_at(world, db):
    # The rows above rely on these states; a change in the journeys must not silently empty a row.
    w = world
    states = {a.title: a.state for a in Application.objects.all()}
    assert states["A draft"] == "draft" and states["A submitted"] == "submitted"
    assert states["A in review"] == states["A ready for decision"] == "department_review"
    assert states["A with the experts"] == "expert_review"
    assert Award.objects.get(pk=w.a_award.pk).state == "letter_issued" and w.a_letter.pdf
    assert Award.objects.get(pk=w.notice_award.pk).state == "publicity"
    assert Award.objects.get(pk=w.computed_award.pk).state == "computed"
    entries = {e.subject: e.state for e in RegisterEntry.objects.all()}
    assert entries == {
        "A listed device": "valid",
        "A device on notice": "in_notice",
        "A device approved": "awaiting_notice",
    }
    assert w.a_certificate.pdf and RegisterEntry.objects.get(pk=w.a_entry.pk).certificate == w.a_certificate
    assert ExpertAssignment.objects.get(pk=w.assignment.pk).state == "open"
    assert ExpertAssignment.objects.get(pk=w.assignment_undeclared.pk).state == "awaiting_declaration"
    assert Export.objects.get(pk=w.export.pk).file
    assert (states["A case to route"], states["A case routed"], states["A case answered"]) == (
        "submitted",
        "routed",
        "answered",
    )
    assert (
        timezone.localdate()
        <= Award.objects.get(pk=w.notice_award.pk).notice_until
        < (timezone.localdate() + timedelta(days=30))
    )

# ruff: noqa: E501 -- CASES is a table: one row per case, one aligned column per field
"""Who may see, change, withdraw an application and download its files: each case asks one `can_*` function
of `applications.permissions` and names the code of its answer ("" = allowed), so a case refused for
another reason than the one it is about fails."""

import copy
from functools import cached_property

import pytest
from django.contrib.auth.models import AnonymousUser

from applications import filing, permissions, workflow
from applications.models import Application, Attachment, State
from tests.factories import administrator, expert, member, officer
from tests.filings import make_draft, pdf
from tests.permission_table import Case, assert_answer, assert_table_covers, can_functions

REASON = "Recorded for the permission table."


class Scene:
    """alice's and bob's organisation files in `drug_call`; each application is made the first time a case
    asks about it."""

    def __init__(self, request):
        self.request = request
        self.call = request.getfixturevalue("filing_call")

    def __getitem__(self, name: str):
        return self.people[name]

    @cached_property
    def people(self) -> dict:
        fixture = self.request.getfixturevalue
        org_a = fixture("org_a")
        return {
            "alice": fixture("alice"),
            "bob": fixture("bob"),
            "charlie": fixture("charlie"),
            "lead officer": officer("STCSM", username="officer-stcsm"),
            "expert": expert(username="dr-wang"),
            "administrator": administrator(username="admin-ops"),
            "inactive colleague": member(org_a, username="left-the-company", is_active=False),
            "anonymous": AnonymousUser(),
        }

    @cached_property
    def draft(self) -> Application:
        return make_draft(self.call, self["alice"], title="Draft")

    @cached_property
    def submitted(self) -> Application:
        return filing.application_submit(application=make_draft(self.call, self["alice"]), by=self["alice"])

    @cached_property
    def returned(self) -> Application:
        """Returned for correction, with a document added since: that one was never submitted."""
        lead = self["lead officer"]
        application = filing.application_submit(
            application=make_draft(self.call, self["alice"], title="Returned"), by=self["alice"]
        )
        workflow.transition(application=application, action="start_formal_check", by=lead)
        application = workflow.transition(
            application=application, action="return_for_correction", by=lead, reason=REASON
        )
        document = application.track.document_types[0]["code"]
        filing.attachment_add(application=application, document_type=document, upload=pdf(), by=self["alice"])
        return Application.objects.get(pk=application.pk)

    def file_of(self, application: Application, *, submitted: bool) -> Attachment:
        return application.attachments.filter(versions__isnull=not submitted).distinct().latest("pk")


def in_state(application: Application, state: str) -> Application:
    """An in-memory copy in another state (the can_* functions read only what they are given)."""
    changed = copy.copy(application)
    changed.state = state
    return changed


P = permissions
# fmt: off
CASES = [
    #    case                                         function                      code               arguments
    # see an application
    Case("alice sees her draft",                      P.can_view_application,       "",                lambda s: (s["alice"], s.draft)),
    Case("bob sees his colleague's draft",            P.can_view_application,       "",                lambda s: (s["bob"], s.draft)),
    Case("the lead officer sees a submitted file",    P.can_view_application,       "",                lambda s: (s["lead officer"], s.submitted)),
    Case("an administrator sees a submitted file",    P.can_view_application,       "",                lambda s: (s["administrator"], s.submitted)),
    Case("charlie sees another organisation's file",  P.can_view_application,       "not_visible",     lambda s: (s["charlie"], s.submitted)),
    Case("the lead officer sees a draft",             P.can_view_application,       "not_visible",     lambda s: (s["lead officer"], s.draft)),
    Case("an expert without assignment sees a file",  P.can_view_application,       "not_visible",     lambda s: (s["expert"], s.submitted)),
    Case("an inactive colleague sees the draft",      P.can_view_application,       "not_visible",     lambda s: (s["inactive colleague"], s.draft)),
    Case("anonymous sees a file",                     P.can_view_application,       "not_visible",     lambda s: (s["anonymous"], s.submitted)),
    # change it
    Case("alice changes her draft",                   P.can_edit_application,       "",                lambda s: (s["alice"], s.draft)),
    Case("bob changes his colleague's draft",         P.can_edit_application,       "",                lambda s: (s["bob"], s.draft)),
    Case("alice changes a returned application",      P.can_edit_application,       "",                lambda s: (s["alice"], s.returned)),
    Case("alice changes a submitted application",     P.can_edit_application,       "frozen",          lambda s: (s["alice"], s.submitted)),
    Case("alice changes an approved application",     P.can_edit_application,       "frozen",          lambda s: (s["alice"], in_state(s.submitted, State.APPROVED))),
    Case("charlie changes another's draft",           P.can_edit_application,       "not_applicant",   lambda s: (s["charlie"], s.draft)),
    Case("the lead officer changes a file",           P.can_edit_application,       "not_applicant",   lambda s: (s["lead officer"], s.returned)),
    Case("an inactive colleague changes the draft",   P.can_edit_application,       "not_applicant",   lambda s: (s["inactive colleague"], s.draft)),
    Case("anonymous changes a draft",                 P.can_edit_application,       "not_applicant",   lambda s: (s["anonymous"], s.draft)),
    # withdraw it
    Case("alice withdraws a submitted application",   P.can_withdraw_application,   "",                lambda s: (s["alice"], s.submitted)),
    Case("bob withdraws a returned application",      P.can_withdraw_application,   "",                lambda s: (s["bob"], s.returned)),
    Case("alice withdraws a draft",                   P.can_withdraw_application,   "wrong_state",     lambda s: (s["alice"], s.draft)),
    Case("alice withdraws after the decision",        P.can_withdraw_application,   "wrong_state",     lambda s: (s["alice"], in_state(s.submitted, State.APPROVED))),
    Case("charlie withdraws another's application",   P.can_withdraw_application,   "not_applicant",   lambda s: (s["charlie"], s.submitted)),
    Case("the lead officer withdraws",                P.can_withdraw_application,   "not_applicant",   lambda s: (s["lead officer"], s.submitted)),
    Case("anonymous withdraws",                       P.can_withdraw_application,   "not_applicant",   lambda s: (s["anonymous"], s.submitted)),
    # download a document
    Case("alice downloads her draft's file",          P.can_download_attachment,    "",                lambda s: (s["alice"], s.file_of(s.draft, submitted=False))),
    Case("alice downloads a file added since return", P.can_download_attachment,    "",                lambda s: (s["alice"], s.file_of(s.returned, submitted=False))),
    Case("the lead officer downloads a submitted file", P.can_download_attachment,  "",                lambda s: (s["lead officer"], s.file_of(s.returned, submitted=True))),
    Case("the lead officer downloads a draft's file", P.can_download_attachment,    "not_visible",     lambda s: (s["lead officer"], s.file_of(s.draft, submitted=False))),
    Case("charlie downloads another's file",          P.can_download_attachment,    "not_visible",     lambda s: (s["charlie"], s.file_of(s.submitted, submitted=True))),
    Case("the lead officer downloads an unsent file", P.can_download_attachment,    "never_submitted", lambda s: (s["lead officer"], s.file_of(s.returned, submitted=False))),
    Case("an administrator downloads an unsent file", P.can_download_attachment,    "never_submitted", lambda s: (s["administrator"], s.file_of(s.returned, submitted=False))),
    Case("anonymous downloads a file",                P.can_download_attachment,    "not_visible",     lambda s: (s["anonymous"], s.file_of(s.submitted, submitted=True))),
    Case("the lead officer reads a reading note",     P.can_read_reading_notes,     "",                lambda s: (s["lead officer"], s.call.program)),
    Case("an administrator reads a reading note",     P.can_read_reading_notes,     "",                lambda s: (s["administrator"], s.call.program)),
    Case("alice reads a reading note",                P.can_read_reading_notes,     "staff_only",      lambda s: (s["alice"], s.call.program)),
    Case("an expert reads a reading note",            P.can_read_reading_notes,     "staff_only",      lambda s: (s["expert"], s.call.program)),
    Case("anonymous reads a reading note",            P.can_read_reading_notes,     "staff_only",      lambda s: (s["anonymous"], s.call.program)),

    Case("an administrator confirms policy amounts",  P.can_confirm_policy_amounts, "",                lambda s: (s["administrator"], s.call.program.policy)),
    Case("the lead officer confirms policy amounts",  P.can_confirm_policy_amounts, "admin_only",      lambda s: (s["lead officer"], s.call.program.policy)),
    Case("alice confirms policy amounts",             P.can_confirm_policy_amounts, "admin_only",      lambda s: (s["alice"], s.call.program.policy)),
    Case("anonymous confirms policy amounts",         P.can_confirm_policy_amounts, "admin_only",      lambda s: (s["anonymous"], s.call.program.policy)),
    # announcements to a call's applicants (issue 16): the lead commission writes; it and administrators read the record
    Case("the lead officer writes to the applicants",  P.can_broadcast_to_call,      "",                lambda s: (s["lead officer"], s.call)),
    Case("an administrator writes to the applicants",  P.can_broadcast_to_call,      "not_lead",        lambda s: (s["administrator"], s.call)),
    Case("alice writes to the call's applicants",      P.can_broadcast_to_call,      "not_lead",        lambda s: (s["alice"], s.call)),
    Case("an expert writes to the call's applicants",  P.can_broadcast_to_call,      "not_lead",        lambda s: (s["expert"], s.call)),
    Case("anonymous writes to the call's applicants",  P.can_broadcast_to_call,      "not_lead",        lambda s: (s["anonymous"], s.call)),
    Case("the lead officer reads the announcements",   P.can_view_broadcasts,        "",                lambda s: (s["lead officer"], s.call)),
    Case("an administrator reads the announcements",   P.can_view_broadcasts,        "",                lambda s: (s["administrator"], s.call)),
    Case("alice reads the call's announcements",       P.can_view_broadcasts,        "not_lead",        lambda s: (s["alice"], s.call)),
    Case("anonymous reads the call's announcements",   P.can_view_broadcasts,        "not_lead",        lambda s: (s["anonymous"], s.call)),

    # call alerts (issue 16): any member who may apply for the organisation, nobody else
    Case("alice chooses her organisation's alerts",   P.can_manage_alerts,          "",                lambda s: (s["alice"], s["alice"].organisation)),
    Case("bob chooses his organisation's alerts",     P.can_manage_alerts,          "",                lambda s: (s["bob"], s["alice"].organisation)),
    Case("charlie chooses org_a's alerts",            P.can_manage_alerts,          "not_member",      lambda s: (s["charlie"], s["alice"].organisation)),
    Case("the lead officer chooses org_a's alerts",   P.can_manage_alerts,          "not_member",      lambda s: (s["lead officer"], s["alice"].organisation)),
    Case("an inactive colleague chooses alerts",      P.can_manage_alerts,          "not_member",      lambda s: (s["inactive colleague"], s["alice"].organisation)),
    Case("anonymous chooses org_a's alerts",          P.can_manage_alerts,          "not_member",      lambda s: (s["anonymous"], s["alice"].organisation)),
]
# fmt: on


def test_every_can_function_has_allowed_and_refused_cases():
    assert_table_covers(CASES, can_functions(permissions))


@pytest.mark.parametrize("case", CASES, ids=str)
def test_can_function_answers_with_the_rules_code(case, request, db):
    assert_answer(case, Scene(request))

# ruff: noqa: E501 -- CASES is a table: one row per case, one aligned column per field
"""Who may publish a call's notice, resolve an objection, record money, read a decision letter, see the
award reports, and see, remove or settle objections to a register entry: each case asks one `can_*` function and
names the code of its answer ("" = allowed)."""

from functools import cached_property

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from applications.models import Application, Program
from awards import permissions, reports
from awards.models import Award, EntryState, Letter, RegisterEntry
from portal.accounts.models import Commission, Role
from reviews.models import AssignmentState, ExpertAssignment
from tests import journeys
from tests.factories import UserFactory, administrator, expert, officer
from tests.journeys import approved_directly
from tests.permission_table import Case, assert_answer, assert_table_covers, can_functions


class Scene:
    """alice's approved application in `drug_call` (STCSM leads, SMPA co-reviews, FIN pays), its award and
    letter (in memory: the functions read only the call and the application), and the people who ask."""

    def __init__(self, request):
        self.request = request
        self.call = request.getfixturevalue("review_call")

    def __getitem__(self, name: str):
        return self.people[name]

    @cached_property
    def people(self) -> dict:
        fixture = self.request.getfixturevalue
        stcsm = Commission.objects.get(code="STCSM")
        return {
            "alice": fixture("alice"),
            "bob": fixture("bob"),
            "charlie": fixture("charlie"),
            "lead officer": journeys.staff("STCSM"),
            "co-reviewer": journeys.staff("SMPA"),
            # The foreign-aid catalogue's register is kept by COMMERCE; HEALTH co-reviews it.
            "register keeper": journeys.staff("COMMERCE"),
            "register co-reviewer": journeys.staff("HEALTH"),
            "finance officer": journeys.staff("FIN"),
            # Finance staff of a commission that does not confirm budgets, nor pay.
            "finance role in STCSM": UserFactory(role=Role.FINANCE, commission=stcsm, username="fin-stcsm"),
            "expert": expert(username="dr-wang"),
            "administrator": administrator(username="admin-ops"),
            "inactive lead officer": officer("STCSM", username="retired-stcsm", is_active=False),
            "inactive finance officer": UserFactory(
                role=Role.FINANCE, commission=Commission.objects.get(code="FIN"), is_active=False
            ),
            "anonymous": AnonymousUser(),
        }

    @cached_property
    def application(self) -> Application:
        (application,) = approved_directly(self.call, self["alice"], rd_spending="10000000", product_key="CXHL")
        return application

    @cached_property
    def award(self) -> Award:
        return Award(call=self.call, application=self.application)

    @cached_property
    def letter(self) -> Letter:
        return Letter(application=self.application)

    @cached_property
    def entry(self) -> RegisterEntry:
        """alice's organisation in the foreign-aid catalogue, listed on her application (which STCSM was routed
        to: the functions read the register's program, the holder and the application)."""
        program = Program.objects.get(code="INTL24-FOREIGN-AID-CATALOGUE")
        return RegisterEntry(
            program=program,
            organisation=self["alice"].organisation,
            application=self.application,
            state=EntryState.VALID,
        )

    @cached_property
    def expired_entry(self) -> RegisterEntry:
        return RegisterEntry(program=self.entry.program, organisation=self.entry.organisation, state=EntryState.EXPIRED)

    @cached_property
    def assigned_expert(self):
        """An expert who declared no conflict on the application: they see its file, not its letter."""
        ExpertAssignment.objects.create(
            application=self.application,
            version=self.application.current_version,
            expert=self["expert"],
            state=AssignmentState.OPEN,
            due_on=timezone.localdate(),
        )
        return self["expert"]


P = permissions
# fmt: off
CASES = [
    #    case                                       function                    code                    arguments
    # publish the notice of a call's awards
    Case("the lead officer publishes",              P.can_publish_notice,       "",                     lambda s: (s["lead officer"], s.call)),
    Case("a co-reviewer publishes",                 P.can_publish_notice,       "not_lead_officer",     lambda s: (s["co-reviewer"], s.call)),
    Case("the finance officer publishes",           P.can_publish_notice,       "not_lead_officer",     lambda s: (s["finance officer"], s.call)),
    Case("an administrator publishes",              P.can_publish_notice,       "not_lead_officer",     lambda s: (s["administrator"], s.call)),
    Case("alice publishes",                         P.can_publish_notice,       "not_lead_officer",     lambda s: (s["alice"], s.call)),
    Case("an inactive lead officer publishes",      P.can_publish_notice,       "not_lead_officer",     lambda s: (s["inactive lead officer"], s.call)),
    Case("anonymous publishes",                     P.can_publish_notice,       "not_lead_officer",     lambda s: (s["anonymous"], s.call)),
    # resolve an objection to an award
    Case("the lead officer resolves",               P.can_resolve_objection,    "",                     lambda s: (s["lead officer"], s.award)),
    Case("a co-reviewer resolves",                  P.can_resolve_objection,    "not_lead_officer",     lambda s: (s["co-reviewer"], s.award)),
    Case("alice resolves",                          P.can_resolve_objection,    "not_lead_officer",     lambda s: (s["alice"], s.award)),
    Case("anonymous resolves",                      P.can_resolve_objection,    "not_lead_officer",     lambda s: (s["anonymous"], s.award)),
    # record a payment or a clawback
    Case("the finance officer records money",       P.can_record_money,         "",                     lambda s: (s["finance officer"], s.award)),
    Case("finance staff of STCSM record money",     P.can_record_money,         "not_budget_confirmer", lambda s: (s["finance role in STCSM"], s.award)),
    Case("the lead officer records money",          P.can_record_money,         "not_budget_confirmer", lambda s: (s["lead officer"], s.award)),
    Case("an administrator records money",          P.can_record_money,         "not_budget_confirmer", lambda s: (s["administrator"], s.award)),
    Case("an inactive finance officer records",     P.can_record_money,         "not_budget_confirmer", lambda s: (s["inactive finance officer"], s.award)),
    Case("anonymous records money",                 P.can_record_money,         "not_budget_confirmer", lambda s: (s["anonymous"], s.award)),
    # read the decision letter
    Case("alice reads her letter",                  P.can_view_letter,          "",                     lambda s: (s["alice"], s.letter)),
    Case("bob reads his colleague's letter",        P.can_view_letter,          "",                     lambda s: (s["bob"], s.letter)),
    Case("the lead officer reads the letter",       P.can_view_letter,          "",                     lambda s: (s["lead officer"], s.letter)),
    Case("an administrator reads the letter",       P.can_view_letter,          "",                     lambda s: (s["administrator"], s.letter)),
    Case("the assigned expert reads the letter",    P.can_view_letter,          "expert",               lambda s: (s.assigned_expert, s.letter)),
    Case("an expert without assignment reads it",   P.can_view_letter,          "not_visible",          lambda s: (s["expert"], s.letter)),
    Case("charlie reads another's letter",          P.can_view_letter,          "not_visible",          lambda s: (s["charlie"], s.letter)),
    Case("a co-reviewer not routed to it reads it", P.can_view_letter,          "not_visible",          lambda s: (s["co-reviewer"], s.letter)),
    Case("anonymous reads the letter",              P.can_view_letter,          "not_visible",          lambda s: (s["anonymous"], s.letter)),
    # see a register entry's page (history, certificates)
    Case("alice sees her entry",                    P.can_view_entry,           "",                     lambda s: (s["alice"], s.entry)),
    Case("bob sees his colleague's entry",          P.can_view_entry,           "",                     lambda s: (s["bob"], s.entry)),
    Case("the register's keeper sees it",           P.can_view_entry,           "",                     lambda s: (s["register keeper"], s.entry)),
    Case("a commission routed to its file sees it", P.can_view_entry,           "",                     lambda s: (s["lead officer"], s.entry)),
    Case("an administrator sees the entry",         P.can_view_entry,           "",                     lambda s: (s["administrator"], s.entry)),
    Case("a co-reviewer never routed to it sees it", P.can_view_entry,          "not_visible",          lambda s: (s["register co-reviewer"], s.entry)),
    Case("charlie sees another's entry",            P.can_view_entry,           "not_visible",          lambda s: (s["charlie"], s.entry)),
    Case("the assigned expert sees the entry",      P.can_view_entry,           "not_visible",          lambda s: (s.assigned_expert, s.entry)),
    Case("anonymous sees the entry page",           P.can_view_entry,           "not_visible",          lambda s: (s["anonymous"], s.entry)),
    # take an entry off the register (dynamic management)
    Case("the register's keeper removes it",        P.can_remove_entry,         "",                     lambda s: (s["register keeper"], s.entry)),
    Case("the keeper removes an expired entry",     P.can_remove_entry,         "not_valid",            lambda s: (s["register keeper"], s.expired_entry)),
    Case("a co-reviewer of the register removes it", P.can_remove_entry,        "not_lead_officer",     lambda s: (s["register co-reviewer"], s.entry)),
    Case("an officer routed to its file removes it", P.can_remove_entry,        "not_lead_officer",     lambda s: (s["lead officer"], s.entry)),
    Case("an administrator removes the entry",      P.can_remove_entry,         "not_lead_officer",     lambda s: (s["administrator"], s.entry)),
    Case("alice removes her own entry",             P.can_remove_entry,         "not_lead_officer",     lambda s: (s["alice"], s.entry)),
    Case("anonymous removes the entry",             P.can_remove_entry,         "not_lead_officer",     lambda s: (s["anonymous"], s.entry)),
    # resolve an objection to a listing
    Case("the register's keeper resolves",          P.can_resolve_entry_objection, "",                  lambda s: (s["register keeper"], s.entry)),
    Case("a register co-reviewer resolves",         P.can_resolve_entry_objection, "not_lead_officer",  lambda s: (s["register co-reviewer"], s.entry)),
    Case("alice resolves an objection to herself",  P.can_resolve_entry_objection, "not_lead_officer",  lambda s: (s["alice"], s.entry)),
    # see the award reports
    Case("an administrator sees the reports",       reports.can_view_reports,   "",                     lambda s: (s["administrator"],)),
    Case("the lead officer sees the reports",       reports.can_view_reports,   "not_admin",            lambda s: (s["lead officer"],)),
    Case("the finance officer sees the reports",    reports.can_view_reports,   "not_admin",            lambda s: (s["finance officer"],)),
    Case("alice sees the reports",                  reports.can_view_reports,   "not_admin",            lambda s: (s["alice"],)),
    Case("an inactive administrator sees them",     reports.can_view_reports,   "not_admin",            lambda s: (administrator(username="retired-admin", is_active=False),)),
    Case("anonymous sees the reports",              reports.can_view_reports,   "not_admin",            lambda s: (s["anonymous"],)),
]
# fmt: on


def test_every_can_function_has_allowed_and_refused_cases():
    assert_table_covers(CASES, can_functions(permissions) | {reports.can_view_reports})


@pytest.mark.parametrize("case", CASES, ids=str)
def test_can_function_answers_with_the_rules_code(case, request, db):
    assert_answer(case, Scene(request))

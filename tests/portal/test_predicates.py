# ruff: noqa: E501 -- TABLE is a table: one row per predicate, one aligned column per person
"""The vocabulary of "who may" (portal/accounts/predicates.py), one row per predicate and one column per
person: T where it holds, . where it does not.

    anon     an anonymous visitor
    alice    administrator of org_a (apply_for and manage_team on it)
    bob      her colleague (apply_for only)
    charlie  administrator of org_b
    lead     an officer of STCSM, which leads `program`
    fin      a finance officer of FIN, the commission that confirms budgets
    expert   an outside expert
    admin    a portal administrator (is_staff, as `load_demo` makes them)
    gone     a deactivated account that was alice's colleague with every permission
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from guardian.shortcuts import assign_perm

from applications.models import Program
from portal.accounts import predicates
from portal.accounts.models import Commission, Role
from portal.accounts.predicates import (
    has_role,
    is_active_user,
    is_admin,
    is_applicant,
    is_budget_confirmer,
    is_commission_staff,
    is_expert,
    is_finance,
    is_lead_of,
    is_member_of,
    is_officer,
    is_officer_of,
    is_staff_account,
    is_staff_of,
    may_apply,
    may_apply_for,
    may_manage_team,
    reaches_django_admin,
)
from tests.factories import UserFactory, administrator, expert, member

PERSONAS = ["anon", "alice", "bob", "charlie", "lead", "fin", "expert", "admin", "gone"]


@dataclass
class World:
    people: dict
    org_a: object
    org_b: object
    stcsm: Commission
    smpa: Commission
    fin: Commission
    program: Program  # led by STCSM (in memory: is_lead_of reads only its lead)


@pytest.fixture
def world(alice, bob, charlie, org_a, org_b) -> World:
    stcsm = Commission.objects.create(code="STCSM", name_en="Science", name_zh="科委")
    smpa = Commission.objects.create(code="SMPA", name_en="Medical products", name_zh="药监局")
    fin = Commission.objects.create(code="FIN", name_en="Finance", name_zh="财政局", confirms_budget=True)
    gone = member(org_a, admin=True, username="gone")
    gone.is_active = False
    gone.save()
    people = {
        "anon": AnonymousUser(),
        "alice": alice,
        "bob": bob,
        "charlie": charlie,
        "lead": UserFactory(role=Role.OFFICER, commission=stcsm, username="lead"),
        "fin": UserFactory(role=Role.FINANCE, commission=fin, username="fin"),
        "expert": expert(username="dr-wang"),
        "admin": administrator(username="admin-ops"),
        "gone": gone,
    }
    return World(people, org_a, org_b, stcsm, smpa, fin, Program(lead=stcsm))


# fmt: off
TABLE = [
    #  predicate, what it is asked   anon  alice bob   charl lead  fin   exprt admin gone
    ("is_active_user",              ".     T     T     T     T     T     T     T     .", lambda u, w: is_active_user(u)),
    ("is_applicant",                ".     T     T     T     .     .     .     .     .", lambda u, w: is_applicant(u)),
    ("is_member_of org_a",          ".     T     T     .     .     .     .     .     .", lambda u, w: is_member_of(u, w.org_a)),
    ("is_member_of org_a.pk",       ".     T     T     .     .     .     .     .     .", lambda u, w: is_member_of(u, w.org_a.pk)),
    ("is_member_of org_b",          ".     .     .     T     .     .     .     .     .", lambda u, w: is_member_of(u, w.org_b)),
    ("is_member_of nothing",        ".     .     .     .     .     .     .     .     .", lambda u, w: is_member_of(u, None)),
    ("may_apply_for org_a",         ".     T     T     .     .     .     .     .     .", lambda u, w: may_apply_for(u, w.org_a)),
    ("may_apply_for org_b",         ".     .     .     T     .     .     .     .     .", lambda u, w: may_apply_for(u, w.org_b)),
    ("may_apply",                   ".     T     T     T     .     .     .     .     .", lambda u, w: may_apply(u)),
    ("may_manage_team org_a",       ".     T     .     .     .     .     .     .     .", lambda u, w: may_manage_team(u, w.org_a)),
    ("may_manage_team org_b",       ".     .     .     T     .     .     .     .     .", lambda u, w: may_manage_team(u, w.org_b)),
    ("is_officer",                  ".     .     .     .     T     .     .     .     .", lambda u, w: is_officer(u)),
    ("is_officer_of STCSM",         ".     .     .     .     T     .     .     .     .", lambda u, w: is_officer_of(u, w.stcsm)),
    ("is_officer_of STCSM.pk",      ".     .     .     .     T     .     .     .     .", lambda u, w: is_officer_of(u, w.stcsm.pk)),
    ("is_officer_of SMPA",          ".     .     .     .     .     .     .     .     .", lambda u, w: is_officer_of(u, w.smpa)),
    ("is_officer_of FIN",           ".     .     .     .     .     .     .     .     .", lambda u, w: is_officer_of(u, w.fin)),
    ("is_lead_of program",          ".     .     .     .     T     .     .     .     .", lambda u, w: is_lead_of(u, w.program)),
    ("is_lead_of SMPA program",     ".     .     .     .     .     .     .     .     .", lambda u, w: is_lead_of(u, Program(lead=w.smpa))),
    ("is_finance",                  ".     .     .     .     .     T     .     .     .", lambda u, w: is_finance(u)),
    ("is_budget_confirmer",         ".     .     .     .     .     T     .     .     .", lambda u, w: is_budget_confirmer(u)),
    ("is_staff_of STCSM",           ".     .     .     .     T     .     .     .     .", lambda u, w: is_staff_of(u, w.stcsm)),
    ("is_staff_of FIN",             ".     .     .     .     .     T     .     .     .", lambda u, w: is_staff_of(u, w.fin)),
    ("is_staff_of FIN.pk",          ".     .     .     .     .     T     .     .     .", lambda u, w: is_staff_of(u, w.fin.pk)),
    ("is_staff_of nothing",         ".     .     .     .     .     .     .     .     .", lambda u, w: is_staff_of(u, None)),
    ("is_commission_staff",         ".     .     .     .     T     T     .     .     .", lambda u, w: is_commission_staff(u)),
    ("is_expert",                   ".     .     .     .     .     .     T     .     .", lambda u, w: is_expert(u)),
    ("is_admin",                    ".     .     .     .     .     .     .     T     .", lambda u, w: is_admin(u)),
    ("reaches_django_admin",        ".     .     .     .     .     .     .     T     .", lambda u, w: reaches_django_admin(u)),
    ("is_staff_account",            ".     .     .     .     T     T     .     T     .", lambda u, w: is_staff_account(u)),
    ("has_role officer/expert",     ".     .     .     .     T     .     T     .     .", lambda u, w: has_role(u, Role.OFFICER, Role.EXPERT)),
]
# fmt: on


def test_the_table_covers_every_predicate():
    asked = {name.split()[0] for name, _cells, _ask in TABLE}
    assert asked == set(predicates.__all__) - {"STAFF_ROLES"}


@pytest.mark.parametrize(("name", "cells", "ask"), TABLE, ids=[row[0] for row in TABLE])
def test_each_predicate_for_each_person(world, name, cells, ask):
    expected = dict(zip(PERSONAS, [cell == "T" for cell in cells.split()], strict=True))
    assert {persona: ask(world.people[persona], world) for persona in PERSONAS} == expected


# --- the cases a table of ordinary people does not show ----------------------------------------------------


def test_nobody_at_all_is_nobody(world):
    # A caller may hold no user at all (a task without an actor): every predicate says no, none raises.
    for name, _cells, ask in TABLE:
        assert ask(None, world) is False, name


def test_membership_needs_the_foreign_key_and_the_object_permission(world, org_a, charlie):
    # A row edited by hand (FK set, no guardian permission) is a member on paper only: it may not file.
    dora = UserFactory(username="dora", organisation=org_a)
    assert is_member_of(dora, org_a) and not may_apply_for(dora, org_a) and not may_apply(dora)
    # A permission granted by mistake on another organisation grants nothing without the key.
    assign_perm("portal.apply_for", charlie, org_a)
    assign_perm("portal.manage_team", charlie, org_a)
    assert not may_apply_for(charlie, org_a) and not may_manage_team(charlie, org_a)


def test_an_officer_is_never_a_member(world, org_a):
    officer = UserFactory(role=Role.OFFICER, commission=world.stcsm, organisation=org_a)
    assign_perm("portal.apply_for", officer, org_a)
    assert not is_member_of(officer, org_a) and not may_apply_for(officer, org_a) and not is_applicant(officer)


def test_finance_staff_of_another_commission_confirm_no_budget(world):
    finance = UserFactory(role=Role.FINANCE, commission=world.stcsm)
    assert is_finance(finance) and is_staff_of(finance, world.stcsm) and is_commission_staff(finance)
    assert not is_budget_confirmer(finance) and not is_officer_of(finance, world.stcsm)


def test_the_django_admin_flags_make_a_staff_account_whatever_the_role(db):
    for flags in ({"is_staff": True}, {"is_superuser": True}):
        user = UserFactory(**flags)
        assert reaches_django_admin(user) and is_staff_account(user), flags
        assert is_applicant(user) and not is_admin(user), flags


@pytest.mark.parametrize("role", [Role.OFFICER, Role.FINANCE, Role.EXPERT, Role.ADMIN])
def test_a_deactivated_account_holds_no_role(world, role):
    commission = {Role.OFFICER: world.stcsm, Role.FINANCE: world.fin}.get(role)
    user = UserFactory(role=role, commission=commission, is_staff=role == Role.ADMIN, is_active=False)
    assert not has_role(user, role)
    assert [name for name, _cells, ask in TABLE if ask(user, world)] == []

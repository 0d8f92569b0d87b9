"""Who may see and manage a team, and who may have an API token or two-factor sign-in: owner (alice,
administrator), colleague (bob), outsider (charlie), commission staff, an expert, an administrator. Each
refusal is asked for the code of the rule that refused."""

import pytest
from django.contrib.auth.models import AnonymousUser
from guardian.shortcuts import assign_perm

from portal.accounts.models import Commission, Role
from portal.accounts.organisations import member_detach
from portal.accounts.permissions import can_manage_team, can_obtain_api_token, can_view_team
from portal.accounts.two_factor import can_enrol_two_factor
from portal.errors import Refusal
from tests.factories import UserFactory, administrator, expert


def code_of(answer: tuple[bool, str]) -> str:
    """ "" for an allowance (which carries no reason), the refusal's code otherwise."""
    allowed, reason = answer
    if allowed:
        assert reason == ""
        return ""
    assert isinstance(reason, Refusal) and reason.strip(), answer
    return reason.code


@pytest.mark.parametrize(
    ("persona", "view", "manage"),
    [("alice", "", ""), ("bob", "", "not_team_admin"), ("charlie", "not_member", "not_team_admin")],
)
def test_owner_colleague_outsider(request, org_a, persona, view, manage):
    user = request.getfixturevalue(persona)
    assert can_view_team(user, org_a)[0] is (view == "")
    assert can_manage_team(user, org_a)[0] is (manage == "")
    assert (code_of(can_view_team(user, org_a)), code_of(can_manage_team(user, org_a))) == (view, manage)


def test_outsider_manages_only_their_own_team(charlie, org_b, org_a):
    assert can_manage_team(charlie, org_b) == (True, "")
    allowed, reason = can_manage_team(charlie, org_a)
    assert not allowed and "administrator" in reason
    assert reason.code == "not_team_admin"


def test_anonymous_and_unattached_users_get_nothing(org_a, db):
    for user in (AnonymousUser(), UserFactory(username="dora")):
        assert can_view_team(user, org_a)[0] is False
        assert can_manage_team(user, org_a)[0] is False
        assert (code_of(can_view_team(user, org_a)), code_of(can_manage_team(user, org_a))) == (
            "not_member",
            "not_team_admin",
        )


def test_a_refusal_says_why(bob, org_a):
    allowed, reason = can_manage_team(bob, org_a)
    assert not allowed and reason
    assert reason.code == "not_team_admin"
    assert can_view_team(bob, org_a) == (True, "")


def test_foreign_key_without_permission_grants_nothing(org_a, db):
    # A row edited by hand (FK set, no guardian permission) is not a member.
    user = UserFactory(username="eve", organisation=org_a)
    assert can_view_team(user, org_a)[0] is False
    assert can_manage_team(user, org_a)[0] is False
    assert code_of(can_view_team(user, org_a)) == "not_member"


def test_permission_without_foreign_key_grants_nothing(org_a, charlie):
    # charlie holds manage_team on org_a by mistake but files for org_b.
    assign_perm("portal.manage_team", charlie, org_a)
    assert can_manage_team(charlie, org_a)[0] is False
    assert code_of(can_manage_team(charlie, org_a)) == "not_team_admin"


def test_removed_and_inactive_members_lose_everything(org_a, alice, bob):
    member_detach(organisation=org_a, user=bob)
    assert can_view_team(bob, org_a)[0] is False
    assert code_of(can_view_team(bob, org_a)) == "not_member"
    alice.is_active = False
    alice.save()
    assert can_manage_team(alice, org_a)[0] is False
    assert code_of(can_manage_team(alice, org_a)) == "not_team_admin"


def test_officers_are_not_team_members(org_a, db):
    commission = Commission.objects.create(code="STCSM", name_en="Science", name_zh="科委")
    officer = UserFactory(role=Role.OFFICER, commission=commission, organisation=org_a)
    assign_perm("portal.manage_team", officer, org_a)
    assert can_manage_team(officer, org_a)[0] is False
    assert code_of(can_manage_team(officer, org_a)) == "not_team_admin"


# --- API tokens and two-factor sign-in: (persona, code of can_obtain_api_token, of can_enrol_two_factor) ---

ACCOUNT_CASES = [
    ("alice", "", "not_staff"),
    ("officer", "", ""),
    ("finance officer", "", ""),
    ("expert", "expert", "not_staff"),
    ("administrator", "administrator", ""),
    # is_staff reaches the Django admin whatever the role says: such an account is an administrator's.
    ("applicant with is_staff", "administrator", ""),
]


@pytest.fixture
def account_personas(alice, db) -> dict:
    fin = Commission.objects.create(code="FIN", name_en="Finance", name_zh="财政局", confirms_budget=True)
    stcsm = Commission.objects.create(code="STCSM", name_en="Science", name_zh="科委")
    return {
        "alice": alice,
        "officer": UserFactory(role=Role.OFFICER, commission=stcsm),
        "finance officer": UserFactory(role=Role.FINANCE, commission=fin),
        "expert": expert(username="dr-wang"),
        "administrator": administrator(username="admin-ops"),
        "applicant with is_staff": UserFactory(username="ops", is_staff=True),
    }


@pytest.mark.parametrize(("persona", "token", "two_factor"), ACCOUNT_CASES, ids=[c[0] for c in ACCOUNT_CASES])
def test_who_may_have_an_api_token_and_two_factor_sign_in(account_personas, persona, token, two_factor):
    user = account_personas[persona]
    assert (code_of(can_obtain_api_token(user)), code_of(can_enrol_two_factor(user))) == (token, two_factor)


def test_a_refusal_is_its_message_and_keeps_its_code_through_copy_and_pickle(bob, org_a):
    import copy
    import json
    import pickle

    _allowed, reason = can_manage_team(bob, org_a)
    message = "Only an administrator of this organisation may invite or remove colleagues."
    assert reason == message and str(reason) == message and type(str(reason)) is str
    assert json.dumps({"detail": reason}) == json.dumps({"detail": message})
    for twin in (copy.copy(reason), copy.deepcopy(reason), pickle.loads(pickle.dumps(reason))):  # noqa: S301
        assert (twin, twin.code) == (message, "not_team_admin")

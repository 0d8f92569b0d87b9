"""Who may see and manage a team: owner (alice, administrator), colleague (bob), outsider (charlie)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from guardian.shortcuts import assign_perm

from portal.accounts.models import Commission, Role
from portal.accounts.organisations import member_detach
from portal.accounts.permissions import can_manage_team, can_view_team
from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("persona", "view", "manage"),
    [("alice", True, True), ("bob", True, False), ("charlie", False, False)],
)
def test_owner_colleague_outsider(request, org_a, persona, view, manage):
    user = request.getfixturevalue(persona)
    assert can_view_team(user, org_a)[0] is view
    assert can_manage_team(user, org_a)[0] is manage


def test_outsider_manages_only_their_own_team(charlie, org_b, org_a):
    assert can_manage_team(charlie, org_b) == (True, "")
    allowed, reason = can_manage_team(charlie, org_a)
    assert not allowed and "administrator" in reason


def test_anonymous_and_unattached_users_get_nothing(org_a, db):
    for user in (AnonymousUser(), UserFactory(username="dora")):
        assert can_view_team(user, org_a)[0] is False
        assert can_manage_team(user, org_a)[0] is False


def test_a_refusal_says_why(bob, org_a):
    allowed, reason = can_manage_team(bob, org_a)
    assert not allowed and reason
    assert can_view_team(bob, org_a) == (True, "")


def test_foreign_key_without_permission_grants_nothing(org_a, db):
    # A row edited by hand (FK set, no guardian permission) is not a member.
    user = UserFactory(username="eve", organisation=org_a)
    assert can_view_team(user, org_a)[0] is False
    assert can_manage_team(user, org_a)[0] is False


def test_permission_without_foreign_key_grants_nothing(org_a, charlie):
    # charlie holds manage_team on org_a by mistake but files for org_b.
    assign_perm("portal.manage_team", charlie, org_a)
    assert can_manage_team(charlie, org_a)[0] is False


def test_removed_and_inactive_members_lose_everything(org_a, alice, bob):
    member_detach(organisation=org_a, user=bob)
    assert can_view_team(bob, org_a)[0] is False
    alice.is_active = False
    alice.save()
    assert can_manage_team(alice, org_a)[0] is False


def test_officers_are_not_team_members(org_a, db):
    commission = Commission.objects.create(code="STCSM", name_en="Science", name_zh="科委")
    officer = UserFactory(role=Role.OFFICER, commission=commission, organisation=org_a)
    assign_perm("portal.manage_team", officer, org_a)
    assert can_manage_team(officer, org_a)[0] is False

"""Organisations: sign-up, invitations by one-time link, membership and removal (portal/accounts/organisations.py).

Personas: alice administers Zhangjiang Demo Biotech, bob is her colleague, charlie administers another
organisation (the outsider), dora has an account that belongs to no organisation.
"""

import time
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from applications.selectors import get_application_for_user, visible_applications
from portal.accounts import organisations
from portal.accounts.models import Invitation, Organisation, OutboxMessage, Role, User
from portal.accounts.organisations import (
    deliver_invitation_email,
    hash_token,
    invitation_accept,
    invitation_for_token,
    invitation_revoke,
    member_invite,
    member_remove,
    organisation_register,
    pending_invitations,
    render_invitation_email,
    team_members,
)
from portal.accounts.permissions import can_manage_team, can_view_team
from portal.accounts.uscc import make_uscc
from portal.errors import ErrorCode, PortalError
from tests.factories import PASSWORD, member
from tests.filings import make_draft
from tests.portal.invitations import NEW_ACCOUNT, token_from

XUHUI = make_uscc("91310104MA1K9W8T4")
SHENZHEN = make_uscc("91440300MA5FAB123")

SIGN_UP = {
    "uscc": XUHUI,
    "name": "Xuhui Gene Therapeutics Co., Ltd.",
    "kind": "enterprise",
    "contact_name": "Grace Chen",
    "contact_phone": "021-64001234",
    "contact_email": "office@xuhui-gene.example.com",
    "username": "grace",
    "email": "grace@xuhui-gene.example.com",
    "password": PASSWORD,
    "first_name": "Grace Chen",
}


def refused(code: ErrorCode, call, **kwargs) -> PortalError:
    with pytest.raises(PortalError) as error:
        call(**kwargs)
    assert error.value.code == code, error.value.errors
    return error.value


def messages_of(error: PortalError, field) -> str:
    return " ".join(str(message) for message in error.errors[field])


def nothing_saved() -> None:
    assert not Organisation.objects.filter(name=SIGN_UP["name"]).exists()
    assert not User.objects.filter(username__iexact=SIGN_UP["username"]).exists()


def wrong_check_character(code: str) -> str:
    return code[:-1] + ("0" if code[-1] != "0" else "1")


# --- sign-up -------------------------------------------------------------------------------------


def test_registering_makes_the_first_user_its_administrator(db):
    user = organisation_register(**{**SIGN_UP, "uscc": f" {XUHUI.lower()} "})
    user.refresh_from_db()
    organisation = user.organisation
    assert (organisation.uscc, organisation.district, organisation.kind) == (XUHUI, "xuhui", "enterprise")
    assert (organisation.name, organisation.contact_email) == (SIGN_UP["name"], SIGN_UP["contact_email"])
    assert (user.username, user.email, user.role, user.is_org_admin) == (
        "grace",
        "grace@xuhui-gene.example.com",
        Role.ENTERPRISE,
        True,
    )
    assert user.check_password(PASSWORD)
    assert user.has_perm("portal.apply_for", organisation)
    assert user.has_perm("portal.manage_team", organisation)
    assert can_manage_team(user, organisation) == (True, "")
    assert list(team_members(organisation)) == [user]


def test_duplicate_uscc_is_refused_with_a_clear_message(org_a):
    # The same code typed in lower case with spaces is still the same organisation.
    error = refused(ErrorCode.DUPLICATE_USCC, organisation_register, **{**SIGN_UP, "uscc": f" {org_a.uscc.lower()}"})
    message = messages_of(error, "uscc")
    assert org_a.uscc in message and "already registered" in message and "invite you" in message
    assert Organisation.objects.filter(uscc=org_a.uscc).count() == 1
    nothing_saved()


def test_bad_check_character_is_refused_and_nothing_is_saved(db):
    error = refused(ErrorCode.USCC_CHECKSUM, organisation_register, **{**SIGN_UP, "uscc": wrong_check_character(XUHUI)})
    assert "check character" in messages_of(error, "uscc")
    nothing_saved()


def test_code_issued_outside_shanghai_is_refused(db):
    error = refused(ErrorCode.USCC_NOT_SHANGHAI, organisation_register, **{**SIGN_UP, "uscc": SHENZHEN})
    assert "440300" in messages_of(error, "uscc") and "Shanghai" in messages_of(error, "uscc")
    nothing_saved()


def test_every_problem_is_reported_at_once(alice):
    error = refused(
        ErrorCode.USCC_INVALID,
        organisation_register,
        **{
            **SIGN_UP,
            "uscc": "123",
            "contact_phone": "call me",
            "username": "ALICE",  # alice exists: user names are compared without case
            "password": "12345678901",
        },
    )
    assert set(error.errors) >= {"uscc", "contact_phone", "username", "password"}
    assert "taken" in messages_of(error, "username")
    assert "021-12345678" in messages_of(error, "contact_phone")
    nothing_saved()


def test_a_taken_user_name_leaves_no_organisation_behind(alice):
    refused(ErrorCode.INVALID, organisation_register, **{**SIGN_UP, "username": "Alice"})
    nothing_saved()


# --- invitations ---------------------------------------------------------------------------------


def test_invitation_is_mailed_through_celery_after_commit_with_a_one_time_link(
    org_a, alice, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = member_invite(organisation=org_a, email=" Erin@Example.COM ", by=alice)
    assert mailoutbox == []  # nothing leaves before the invitation is committed
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    token = token_from(message)
    assert message.to == ["Erin@example.com"]
    assert org_a.name in message.subject and org_a.uscc in message.body
    assert "Alice Li invited you" in message.body and "works once" in message.body
    # Only the token's hash is stored, and the link leads back to this invitation.
    assert invitation.token_hash == hash_token(token)
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert invitation_for_token(token) == invitation
    assert invitation.expires_at - timezone.now() > timedelta(days=6, hours=23)
    assert list(pending_invitations(org_a)) == [invitation]


def test_invitation_email_is_in_chinese_then_english(org_a, alice, invite, mailoutbox):
    invite(org_a, "erin@example.com", alice)
    message = mailoutbox[0]
    chinese, english = message.body.split("----------------------------------------")
    assert "http" in chinese and "http" in english
    assert "Hello," in english and "Shanghai Biomedical Support Portal" in english
    assert " / " in message.subject


def test_invitation_email_is_sent_once_and_never_for_a_withdrawn_invitation(org_a, alice, invite, mailoutbox):
    invitation, token = invite(org_a, "erin@example.com", alice)
    assert deliver_invitation_email(invitation.pk, token) is False  # a re-delivered task sends nothing more
    assert deliver_invitation_email(invitation.pk, "not-the-token") is False
    cache.clear()
    invitation_revoke(invitation=invitation, by=alice)
    assert deliver_invitation_email(invitation.pk, token) is False
    assert len(mailoutbox) == 1


def test_invitation_subject_stays_on_one_line_whatever_the_organisation_is_called(org_a, alice, invite, mailoutbox):
    # A line break in a header would make Django refuse to send the mail at all.
    Organisation.objects.filter(pk=org_a.pk).update(name="Zhangjiang\r\nDemo Biotech")
    invitation, token = invite(org_a, "erin@example.com", alice)
    subject, _body = render_invitation_email(invitation, token)
    assert "\n" not in subject and "\r" not in subject
    assert "Zhangjiang Demo Biotech" in mailoutbox[0].subject


def test_accepting_joins_the_organisation_as_a_member_not_an_administrator(org_a, alice, bob, invite):
    invitation, token = invite(org_a, "erin@example.com", alice)
    erin = invitation_accept(token=token, **NEW_ACCOUNT)
    erin.refresh_from_db()
    assert (erin.organisation, erin.role, erin.is_org_admin) == (org_a, Role.ENTERPRISE, False)
    assert erin.check_password(PASSWORD)
    assert erin.has_perm("portal.apply_for", org_a)
    assert not erin.has_perm("portal.manage_team", org_a)
    assert can_view_team(erin, org_a)[0] and not can_manage_team(erin, org_a)[0]
    invitation.refresh_from_db()
    assert invitation.accepted_by == erin and invitation.accepted_at is not None
    assert set(team_members(org_a)) == {alice, bob, erin}
    assert list(pending_invitations(org_a)) == []


def test_the_link_works_only_once(org_a, alice, invite):
    _invitation, token = invite(org_a, "erin@example.com", alice)
    invitation_accept(token=token, **NEW_ACCOUNT)
    assert invitation_for_token(token) is None
    error = refused(
        ErrorCode.INVITATION_INVALID, invitation_accept, token=token, **{**NEW_ACCOUNT, "username": "erin2"}
    )
    assert "already used" in messages_of(error, None)
    assert not User.objects.filter(username="erin2").exists()
    assert org_a.members.count() == 2


def test_an_expired_link_is_refused(org_a, alice, invite):
    _invitation, token = invite(org_a, "erin@example.com", alice)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert invitation_for_token(token) is None
        refused(ErrorCode.INVITATION_INVALID, invitation_accept, token=token, **NEW_ACCOUNT)
    assert not User.objects.filter(username="erin").exists()


def test_a_link_still_works_on_its_last_day(org_a, alice, invite):
    _invitation, token = invite(org_a, "erin@example.com", alice)
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        assert invitation_accept(token=token, **NEW_ACCOUNT).organisation == org_a


def test_a_withdrawn_link_is_refused(org_a, alice, invite):
    invitation, token = invite(org_a, "erin@example.com", alice)
    invitation_revoke(invitation=invitation, by=alice)
    assert invitation_for_token(token) is None
    refused(ErrorCode.INVITATION_INVALID, invitation_accept, token=token, **NEW_ACCOUNT)
    assert not User.objects.filter(username="erin").exists()


@pytest.mark.parametrize("token", ["", "x", "A" * 43, "A" * 10_000])
def test_an_unknown_link_is_refused(org_a, alice, invite, token):
    invite(org_a, "erin@example.com", alice)
    assert invitation_for_token(token) is None
    refused(ErrorCode.INVITATION_INVALID, invitation_accept, token=token, **NEW_ACCOUNT)


def test_a_new_invitation_to_the_same_address_replaces_the_pending_one(org_a, alice, invite):
    first, first_token = invite(org_a, "erin@example.com", alice)
    second, second_token = invite(org_a, "ERIN@example.com", alice)
    assert first_token != second_token
    assert invitation_for_token(first_token) is None
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert invitation_for_token(second_token) == second
    assert list(pending_invitations(org_a)) == [second]


def test_accepted_invitation_cannot_be_withdrawn(org_a, alice, invite):
    invitation, token = invite(org_a, "erin@example.com", alice)
    invitation_accept(token=token, **NEW_ACCOUNT)
    error = refused(ErrorCode.INVITATION_INVALID, invitation_revoke, invitation=invitation, by=alice)
    assert "remove the member" in messages_of(error, None)


def test_a_member_cannot_be_invited_again(org_a, alice, bob):
    error = refused(ErrorCode.INVALID, member_invite, organisation=org_a, email=bob.email.upper(), by=alice)
    assert "already belongs" in messages_of(error, "email")
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("email", ["", "not-an-address", "erin@"])
def test_invitation_needs_a_valid_address(org_a, alice, email):
    error = refused(
        ErrorCode.REQUIRED if not email else ErrorCode.INVALID,
        member_invite,
        organisation=org_a,
        email=email,
        by=alice,
    )
    assert "email" in error.errors
    assert not Invitation.objects.exists()


def test_an_organisation_sends_a_limited_number_of_invitations_a_day(org_a, alice, monkeypatch):
    monkeypatch.setattr(organisations, "INVITATIONS_PER_DAY", 2)
    member_invite(organisation=org_a, email="one@example.com", by=alice)
    member_invite(organisation=org_a, email="two@example.com", by=alice)
    error = refused(ErrorCode.LIMIT_REACHED, member_invite, organisation=org_a, email="three@example.com", by=alice)
    assert "tomorrow" in messages_of(error, "email")
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert member_invite(organisation=org_a, email="three@example.com", by=alice).email == "three@example.com"


@pytest.mark.parametrize("persona", ["bob", "charlie", "dora"])
def test_only_an_administrator_of_the_organisation_invites(request, org_a, alice, bob, persona):
    user = request.getfixturevalue(persona)
    error = refused(ErrorCode.NOT_ALLOWED, member_invite, organisation=org_a, email="erin@example.com", by=user)
    assert "administrator" in messages_of(error, None)
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("persona", ["bob", "charlie"])
def test_only_an_administrator_of_the_organisation_withdraws_an_invitation(request, org_a, alice, invite, persona):
    invitation, token = invite(org_a, "erin@example.com", alice)
    refused(ErrorCode.NOT_ALLOWED, invitation_revoke, invitation=invitation, by=request.getfixturevalue(persona))
    assert invitation_for_token(token) == invitation


def test_logged_in_user_without_an_organisation_joins_with_their_account(org_a, alice, dora, invite):
    _invitation, token = invite(org_a, "dora@example.com", alice)
    joined = invitation_accept(token=token, user=dora)
    assert joined.pk == dora.pk
    dora.refresh_from_db()
    assert dora.organisation == org_a and not dora.is_org_admin
    assert dora.has_perm("portal.apply_for", org_a) and not dora.has_perm("portal.manage_team", org_a)


@pytest.mark.parametrize(("persona", "inviter"), [("bob", "charlie"), ("charlie", "alice")])
def test_an_account_of_an_organisation_cannot_join_another_one(request, invite, persona, inviter):
    user, by = request.getfixturevalue(persona), request.getfixturevalue(inviter)
    before = user.organisation
    _invitation, token = invite(by.organisation, "someone@example.com", by)
    error = refused(ErrorCode.NOT_ALLOWED, invitation_accept, token=token, user=user)
    assert "already belongs to an organisation" in messages_of(error, None)
    user = User.objects.get(pk=user.pk)
    assert user.organisation == before and not user.has_perm("portal.apply_for", by.organisation)
    assert invitation_for_token(token) is not None  # the link still works for the person it was meant for


def test_a_new_account_must_be_a_valid_one(org_a, alice, invite):
    _invitation, token = invite(org_a, "erin@example.com", alice)
    error = refused(
        ErrorCode.REQUIRED, invitation_accept, token=token, **{**NEW_ACCOUNT, "username": "", "password": "erin"}
    )
    assert set(error.errors) == {"username", "password"}
    assert invitation_for_token(token) is not None
    assert org_a.members.count() == 1


# --- removal -------------------------------------------------------------------------------------


def test_removed_colleague_loses_the_organisations_applications(filing_call, org_a, alice, bob):
    application = make_draft(filing_call, bob, documents=False)
    assert get_application_for_user(bob, application.pk) == application
    member_remove(organisation=org_a, member=bob, by=alice)
    bob = User.objects.get(pk=bob.pk)
    assert (bob.organisation, bob.is_org_admin) == (None, False)
    assert not bob.has_perm("portal.apply_for", org_a)
    assert not can_view_team(bob, org_a)[0]
    assert list(visible_applications(bob)) == []
    assert list(visible_applications(alice)) == [application]  # the file stays with the organisation
    assert list(team_members(org_a)) == [alice]


@pytest.mark.parametrize(("persona", "target"), [("bob", "alice"), ("charlie", "bob"), ("charlie", "alice")])
def test_only_an_administrator_of_the_organisation_removes(request, org_a, alice, bob, charlie, persona, target):
    user, victim = request.getfixturevalue(persona), request.getfixturevalue(target)
    error = refused(ErrorCode.NOT_ALLOWED, member_remove, organisation=org_a, member=victim, by=user)
    assert "administrator" in messages_of(error, None)
    victim.refresh_from_db()
    assert victim.organisation == org_a and victim.has_perm("portal.apply_for", org_a)


def test_an_administrator_cannot_remove_someone_of_another_organisation(org_a, alice, charlie):
    refused(ErrorCode.INVALID, member_remove, organisation=org_a, member=charlie, by=alice)
    charlie.refresh_from_db()
    assert charlie.organisation is not None and charlie.organisation != org_a


def test_the_only_administrator_cannot_remove_themselves(org_a, alice, bob):
    error = refused(ErrorCode.NOT_ALLOWED, member_remove, organisation=org_a, member=alice, by=alice)
    assert "only administrator" in messages_of(error, None)
    alice.refresh_from_db()
    assert alice.organisation == org_a and alice.has_perm("portal.manage_team", org_a)


def test_an_administrator_may_leave_when_another_one_stays(org_a, alice):
    frank = member(org_a, admin=True, username="frank")
    member_remove(organisation=org_a, member=alice, by=alice)
    alice = User.objects.get(pk=alice.pk)
    assert alice.organisation is None and not alice.has_perm("portal.manage_team", org_a)
    assert can_manage_team(frank, org_a)[0]


def test_a_deactivated_administrator_does_not_count_as_the_one_who_stays(org_a, alice):
    # A deactivated account can neither log in nor manage the team: alice is the only one who can.
    member(org_a, admin=True, username="frank", is_active=False)
    refused(ErrorCode.NOT_ALLOWED, member_remove, organisation=org_a, member=alice, by=alice)
    alice.refresh_from_db()
    assert can_manage_team(alice, org_a)[0]


def test_a_removed_colleague_may_be_invited_back_and_joins_as_a_member(org_a, alice, bob, invite):
    member_remove(organisation=org_a, member=bob, by=alice)
    _invitation, token = invite(org_a, bob.email, alice)
    invitation_accept(token=token, user=User.objects.get(pk=bob.pk))
    bob = User.objects.get(pk=bob.pk)
    assert bob.organisation == org_a and bob.has_perm("portal.apply_for", org_a)


# --- the real worker -----------------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_invitation(celery_worker_process):
    """The worker imports `portal.tasks` by autodiscovery; the invitation task must be known there too."""
    organisation = Organisation.objects.create(uscc=XUHUI, name="Xuhui Gene", kind="enterprise", district="xuhui")
    alice = member(organisation, admin=True, username="alice")
    invitation = member_invite(organisation=organisation, email="erin@example.com", by=alice)
    # The outbox row of the invitation (portal/accounts/outbox.py) is settled once the worker has sent the mail.
    sent = OutboxMessage.objects.filter(invitation=invitation, sent_at__isnull=False, last_error="")
    deadline = time.monotonic() + 30
    while not sent.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sent.exists(), "the worker did not send the invitation; see tests/artifacts/celery-worker.log"

"""Sign-up, team and invitation pages through the test client: owner (alice), colleague (bob), outsider
(charlie, who administers another organisation), and dora, whose account belongs to no organisation."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from portal.accounts.models import Invitation, Organisation, Role, User
from portal.accounts.organisations import invitation_for_token
from portal.accounts.uscc import make_uscc
from tests.factories import PASSWORD, UserFactory, member
from tests.filings import make_draft
from tests.logins import login
from tests.portal.invitations import NEW_ACCOUNT, token_from

JINGAN = make_uscc("91310106MA1GT5K2X")

REGISTER = {
    "uscc": JINGAN,
    "name": "Jing'an Cell Therapy Co., Ltd.",
    "kind": "enterprise",
    "contact_name": "Grace Chen",
    "contact_phone": "13812345678",
    "contact_email": "office@jingan-cell.example.com",
    "first_name": "Grace Chen",
    "username": "grace",
    "email": "grace@jingan-cell.example.com",
    "password": PASSWORD,
    "password_again": PASSWORD,
}
ACCEPT = {**NEW_ACCOUNT, "password_again": NEW_ACCOUNT["password"]}


def english(client):
    client.cookies["django_language"] = "en"
    return client


def logged_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def field_errors(response, field: str, form: str = "form") -> list[str]:
    return [str(error) for error in response.context[form].errors.get(field, [])]


# --- registration --------------------------------------------------------------------------------


def test_register_page_shows_every_field(client, db):
    page = english(client).get(reverse("register")).content.decode()
    for field in ["uscc", "name", "kind", "contact_name", "contact_phone", "contact_email", "username", "email"]:
        assert f'name="{field}"' in page, field
    assert 'name="password_again"' in page and "Unified social credit code" in page


def test_register_with_a_wrong_check_character_shows_it_beside_the_code(client, db):
    wrong = JINGAN[:-1] + ("0" if JINGAN[-1] != "0" else "1")
    response = english(client).post(reverse("register"), {**REGISTER, "uscc": wrong})
    assert response.status_code == 200
    assert any("check character" in error for error in field_errors(response, "uscc"))
    assert "check character of this unified social credit code is wrong" in response.content.decode()
    assert not Organisation.objects.exists() and not User.objects.exists()
    assert logged_in_user(client) is None


def test_register_with_a_code_from_outside_shanghai_is_refused(client, db):
    response = english(client).post(reverse("register"), {**REGISTER, "uscc": make_uscc("91440300MA5FAB123")})
    assert any("outside Shanghai" in error for error in field_errors(response, "uscc"))
    assert not Organisation.objects.exists()


def test_register_with_a_duplicate_code_says_whom_to_ask(client, org_a):
    response = english(client).post(reverse("register"), {**REGISTER, "uscc": org_a.uscc.lower()})
    assert response.status_code == 200
    [error] = field_errors(response, "uscc")
    assert org_a.uscc in error and "already registered" in error and "administrator" in error
    assert Organisation.objects.count() == 1 and not User.objects.filter(username="grace").exists()


def test_register_reports_every_problem_at_once_and_keeps_what_was_typed(client, alice):
    response = english(client).post(reverse("register"), {**REGISTER, "username": "Alice", "contact_phone": "phone"})
    assert any("taken" in error for error in field_errors(response, "username"))
    assert any("021-12345678" in error for error in field_errors(response, "contact_phone"))
    page = response.content.decode()
    assert 'value="Jing&#x27;an Cell Therapy Co., Ltd."' in page and PASSWORD not in page  # passwords not echoed
    assert not Organisation.objects.filter(uscc=JINGAN).exists()


def test_register_checks_the_password_was_typed_twice_alike(client, db):
    response = english(client).post(reverse("register"), {**REGISTER, "password_again": "something-else-42"})
    assert field_errors(response, "password_again") == ["The two passwords are not the same."]
    assert not Organisation.objects.exists()


def test_register_logs_in_and_redirects_to_the_applications(client, db):
    response = english(client).post(reverse("register"), REGISTER)
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    grace = logged_in_user(client)
    assert grace.username == "grace" and grace.is_org_admin and grace.organisation.uscc == JINGAN
    assert grace.organisation.district == "jingan"
    page = client.get(response["Location"]).content.decode()
    assert "is registered and you are its administrator" in page
    team = client.get(reverse("team")).content.decode()
    assert "Jing&#x27;an Cell Therapy" in team and "Invite a colleague" in team


def test_a_logged_in_user_is_not_offered_a_second_registration(client, alice):
    login(client, alice)
    response = client.post(reverse("register"), {**REGISTER, "username": "other"})
    assert response.status_code == 302
    assert not Organisation.objects.filter(uscc=JINGAN).exists()


# --- the team page -------------------------------------------------------------------------------


def test_administrator_sees_members_invitations_and_the_invite_form(client, alice, bob, invite):
    invite(alice.organisation, "erin@example.com", alice)
    page = login(client, alice).get(reverse("team")).content.decode()
    assert "Alice Li (you)" in page and "Bob Zhang" in page and "erin@example.com" in page
    assert 'action="/organisation/team/invite/"' in page
    assert reverse("team-member-remove", args=[bob.pk]) in page
    assert reverse("team-member-remove", args=[alice.pk]) not in page  # the only administrator stays
    assert "Withdraw the invitation" in page


def test_with_a_second_administrator_each_may_be_removed(client, org_a, alice, bob):
    frank = member(org_a, admin=True, username="frank")
    page = login(client, alice).get(reverse("team")).content.decode()
    for person in (alice, bob, frank):
        assert reverse("team-member-remove", args=[person.pk]) in page


def test_colleague_sees_the_team_but_not_the_controls(client, alice, bob):
    response = login(client, bob).get(reverse("team"))
    page = response.content.decode()
    assert response.status_code == 200 and "Alice Li" in page and "Bob Zhang (you)" in page
    assert "/invite/" not in page and "/remove/" not in page
    assert "Only the organisation's administrators can invite" in page


def test_outsider_sees_only_their_own_team(client, alice, bob, charlie):
    page = login(client, charlie).get(reverse("team")).content.decode()
    assert "Other Pharma" in page and "Zhangjiang" not in page and "Alice" not in page


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.EXPERT])
def test_team_page_is_404_without_an_organisation(client, db, role):
    assert login(client, UserFactory(username="nobody", role=role)).get(reverse("team")).status_code == 404


def test_team_page_is_404_for_a_member_without_the_permission(client, org_a, alice):
    # The foreign key set by hand, no guardian permission: not a member.
    eve = UserFactory(username="eve", organisation=org_a)
    assert login(client, eve).get(reverse("team")).status_code == 404


def test_anonymous_is_sent_to_log_in(client, db):
    response = client.get(reverse("team"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_administrator_invites_from_the_page(
    client, alice, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    login(client, alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("team-invite"), {"email": "erin@example.com"}, follow=True)
    page = response.content.decode()
    assert "An invitation was sent to erin@example.com" in page
    assert [message.to for message in mailoutbox] == [["erin@example.com"]]
    assert invitation_for_token(token_from(mailoutbox[0])).email == "erin@example.com"


def test_invite_form_shows_a_bad_address_beside_the_field(client, alice, bob):
    login(client, alice)
    response = client.post(reverse("team-invite"), {"email": "erin@"})
    assert response.status_code == 200 and field_errors(response, "email", "invite_form")
    response = client.post(reverse("team-invite"), {"email": bob.email})
    assert any("already belongs" in e for e in field_errors(response, "email", "invite_form"))
    assert not Invitation.objects.exists()


def test_colleague_cannot_invite_remove_or_withdraw(client, alice, bob, invite):
    invitation, _token = invite(alice.organisation, "erin@example.com", alice)
    login(client, bob)
    assert client.post(reverse("team-invite"), {"email": "frank@example.com"}).status_code == 403
    assert client.post(reverse("team-member-remove", args=[alice.pk])).status_code == 403
    assert client.post(reverse("team-invitation-revoke", args=[invitation.pk])).status_code == 403
    assert Invitation.objects.count() == 1 and Invitation.objects.get().revoked_at is None
    assert User.objects.get(pk=alice.pk).organisation_id == alice.organisation_id


def test_outsider_cannot_reach_another_organisations_members_or_invitations(client, alice, bob, charlie, invite):
    invitation, _token = invite(alice.organisation, "erin@example.com", alice)
    login(client, charlie)
    assert client.post(reverse("team-member-remove", args=[bob.pk])).status_code == 404
    assert client.post(reverse("team-invitation-revoke", args=[invitation.pk])).status_code == 404
    assert User.objects.get(pk=bob.pk).organisation_id == alice.organisation_id
    assert Invitation.objects.get().revoked_at is None


def test_removed_colleague_loses_the_team_and_the_applications(client, filing_call, alice, bob):
    application = make_draft(filing_call, bob, documents=False)
    login(client, alice)
    response = client.post(reverse("team-member-remove", args=[bob.pk]), follow=True)
    assert "Bob Zhang was removed from the team." in response.content.decode()
    login(client, bob)
    assert client.get(reverse("team")).status_code == 404
    assert client.get(reverse("application-detail", args=[application.pk])).status_code == 404
    assert "Drug X phase 2" not in client.get(reverse("dashboard")).content.decode()
    assert Application.objects.filter(pk=application.pk, organisation=alice.organisation).exists()


def test_the_only_administrator_is_told_why_they_cannot_leave(client, alice, bob):
    login(client, alice)
    response = client.post(reverse("team-member-remove", args=[alice.pk]), follow=True)
    assert "You are this organisation&#x27;s only administrator" in response.content.decode()
    assert User.objects.get(pk=alice.pk).organisation_id is not None


def test_administrator_withdraws_an_invitation(client, alice, invite):
    invitation, token = invite(alice.organisation, "erin@example.com", alice)
    login(client, alice)
    response = client.post(reverse("team-invitation-revoke", args=[invitation.pk]), follow=True)
    assert "its link no longer works" in response.content.decode()
    assert invitation_for_token(token) is None
    assert "No invitation is waiting for an answer." in response.content.decode()


def test_team_page_queries_do_not_grow_with_members(client, org_a, alice, django_assert_max_num_queries):
    login(client, alice)
    member(org_a, username="member-0")
    with django_assert_max_num_queries(11) as few:  # 10 and the header's unread count (issue 16)
        assert client.get(reverse("team")).status_code == 200
    for i in range(1, 40):
        member(org_a, username=f"member-{i}")
    for i in range(15):
        Invitation.objects.create(
            organisation=org_a,
            email=f"guest{i}@example.com",
            invited_by=alice,
            token_hash=f"{i:064x}",
            expires_at=timezone.now() + timedelta(days=7),
        )
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        page = client.get(reverse("team")).content.decode()
    assert page.count("member-") >= 40 and page.count("guest") == 15
    assert len(many.captured_queries) == len(few.captured_queries)


# --- accepting an invitation ---------------------------------------------------------------------


def test_invitation_page_creates_the_account_and_logs_it_in(client, alice, bob, invite):
    _invitation, token = invite(alice.organisation, "erin@example.com", alice)
    url = reverse("invitation-accept", args=[token])
    page = english(client).get(url)
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    assert "Join Zhangjiang Demo Biotech" in page.content.decode()
    assert page.context["form"]["email"].value() == "erin@example.com"
    response = client.post(url, ACCEPT)
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    erin = logged_in_user(client)
    assert erin.username == "erin" and erin.organisation == alice.organisation and not erin.is_org_admin
    assert "Welcome to Zhangjiang Demo Biotech" in client.get(reverse("dashboard")).content.decode()
    team = client.get(reverse("team")).content.decode()
    assert "Erin Wang (you)" in team and "Alice Li" in team and "/invite/" not in team
    # The administrator sees the new colleague, and no pending invitation any more.
    team = login(client, alice).get(reverse("team")).content.decode()
    assert "Erin Wang" in team and "No invitation is waiting for an answer." in team


def test_invitation_page_works_only_once(client, alice, invite):
    _invitation, token = invite(alice.organisation, "erin@example.com", alice)
    url = reverse("invitation-accept", args=[token])
    english(client).post(url, ACCEPT)
    client.logout()
    english(client)
    response = client.get(url)
    assert response.status_code == 404 and "This invitation link does not work" in response.content.decode()
    response = client.post(url, {**ACCEPT, "username": "erin2"})
    assert response.status_code == 404 and not User.objects.filter(username="erin2").exists()


@pytest.mark.parametrize("token", ["not-a-token", "A" * 43, "A" * 300])
def test_unknown_link_shows_the_invalid_page(client, db, token):
    response = english(client).get(reverse("invitation-accept", args=[token]))
    assert response.status_code == 404 and "Ask your organisation's administrator" in response.content.decode()


def test_invitation_page_shows_account_errors_and_keeps_the_link(client, alice, invite):
    _invitation, token = invite(alice.organisation, "erin@example.com", alice)
    url = reverse("invitation-accept", args=[token])
    response = english(client).post(url, {**ACCEPT, "username": "alice", "password": "123", "password_again": "123"})
    assert response.status_code == 200
    assert any("taken" in error for error in field_errors(response, "username"))
    assert field_errors(response, "password")
    assert invitation_for_token(token) is not None and logged_in_user(client) is None


def test_a_logged_in_user_without_an_organisation_joins_with_one_click(client, alice, dora, invite):
    _invitation, token = invite(alice.organisation, "dora@example.com", alice)
    url = reverse("invitation-accept", args=[token])
    login(client, dora)
    assert "Join with this account?" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    dora.refresh_from_db()
    assert dora.organisation == alice.organisation and dora.has_perm("portal.apply_for", alice.organisation)


@pytest.mark.parametrize(("persona", "text"), [("bob", "You are already a member"), ("charlie", "cannot join")])
def test_a_member_of_an_organisation_is_told_to_log_out(request, client, alice, bob, charlie, invite, persona, text):
    _invitation, token = invite(alice.organisation, "erin@example.com", alice)
    user = request.getfixturevalue(persona)
    login(client, user)
    url = reverse("invitation-accept", args=[token])
    assert text in client.get(url).content.decode()
    assert text in client.post(url, ACCEPT).content.decode()
    assert User.objects.get(pk=user.pk).organisation_id == user.organisation_id
    assert invitation_for_token(token) is not None


# --- both languages ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pages_render_in_both_languages(client, alice, invite, language):
    _invitation, token = invite(alice.organisation, "erin@example.com", alice)
    lang = 'lang="en"' if language == "en" else 'lang="zh-Hans"'
    client.cookies["django_language"] = language
    for url, status in [
        (reverse("register"), 200),
        (reverse("invitation-accept", args=[token]), 200),
        (reverse("invitation-accept", args=["no-such-token"]), 404),
    ]:
        response = client.get(url)
        assert response.status_code == status, url
        assert f"<html {lang}>" in response.content.decode(), url
    # A wrong code is explained in the page's language.
    response = client.post(reverse("register"), {**REGISTER, "uscc": "123"})
    assert f"<html {lang}>" in response.content.decode()
    assert field_errors(response, "uscc")
    login(client, alice, language)
    response = client.get(reverse("team"))
    assert response.status_code == 200 and f"<html {lang}>" in response.content.decode()

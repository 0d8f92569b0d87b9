"""Organisation sign-up, team and invitations (issue 3). URL names used elsewhere: register, team,
invitation-accept."""

from django.urls import path

from portal.accounts import team_views

urlpatterns = [
    path("register/", team_views.register, name="register"),
    path("organisation/team/", team_views.team, name="team"),
    path("organisation/team/invite/", team_views.team_invite, name="team-invite"),
    path("organisation/team/members/<int:user_id>/remove/", team_views.team_member_remove, name="team-member-remove"),
    path(
        "organisation/team/invitations/<int:invitation_id>/revoke/",
        team_views.team_invitation_revoke,
        name="team-invitation-revoke",
    ),
    path("invitations/<str:token>/", team_views.invitation_accept, name="invitation-accept"),
]

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, roles, commissions, organisations and teams, invitations, two-factor, API tokens and the outbox.

    Its label stays "portal", the label these models had before the project shell and the accounts app were
    two packages: the tables, the migration history, AUTH_USER_MODEL ("portal.User") and the object
    permissions ("portal.apply_for") keep their names."""

    name = "portal.accounts"
    label = "portal"
    verbose_name = _("People and organisations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.accounts import inbox, organisations, outbox
        from portal.accounts.models import OutboxKind

        outbox.when_sent(OutboxKind.INVITATION, wanted=organisations.invitation_email_wanted)
        outbox.when_sent(OutboxKind.NOTIFICATION, recipients=inbox.recipients_when_sent)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Calls and applications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from applications import filing, notifications, workflow
        from applications.models import ProgramOutcome, State
        from applications.workflow import Action
        from portal.accounts import outbox
        from portal.accounts.models import NotificationKind, OutboxKind
        from portal.template_enums import register

        # Submission checks and freezes the file before reviews route it (reviews/apps.py registers later).
        workflow.on_transition(Action.SUBMIT, filing.submit_effect)
        workflow.on_transition(Action.RESUBMIT, filing.submit_effect)
        outbox.when_sent(OutboxKind.EVENT, recipients=notifications.recipients_when_sent)
        # Which inbox kind (and e-mail preference) each step's news is.
        notifications.add_event_kinds(
            {
                Action.SUBMIT: NotificationKind.SUBMITTED,
                Action.RESUBMIT: NotificationKind.SUBMITTED,
                Action.RETURN_FOR_CORRECTION: NotificationKind.RETURNED,
                Action.APPROVE: NotificationKind.DECISION,
                Action.REJECT: NotificationKind.DECISION,
                Action.ANSWERED: NotificationKind.DECISION,
                Action.REOPEN_AFTER_OBJECTION: NotificationKind.OBJECTION,
            }
        )
        # The enums the templates compare with (portal/template_enums.py).
        register(State, Action, ProgramOutcome)

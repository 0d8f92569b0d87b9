from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from applications import filing, notifications, workflow
        from portal.accounts import outbox
        from portal.accounts.models import OutboxKind

        # Submission checks and freezes the file before reviews route it (reviews/apps.py registers later).
        workflow.on_transition("submit", filing.submit_effect)
        workflow.on_transition("resubmit", filing.submit_effect)
        outbox.when_sent(OutboxKind.EVENT, recipients=notifications.recipients_when_sent)

from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "awards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from applications import estimator, notifications, selectors, workflow
        from applications.workflow import Action
        from awards import estimates, handover, letters
        from awards import selectors as award_selectors
        from awards.lifecycle import AwardAction
        from awards.models import AwardState, ExportState, ObjectionState
        from portal.template_enums import register

        # Approval hands the application to the award pipeline; a rejection gets its letter.
        workflow.after_commit(Action.APPROVE, handover.queue_award)
        workflow.after_commit(Action.REJECT, handover.queue_rejection_letter)
        # The estimate while filing, by the award engine.
        estimator.register(estimates.FILING_ESTIMATOR)
        # The organisation's dashboard shows the amount awarded; the letter's mail attaches its PDF.
        selectors.add_dashboard_column("awarded", award_selectors.awarded_amount)
        notifications.attach_letter(AwardAction.LETTER_ISSUED, letters.letter_of_event)
        # The enums the templates compare with (portal/template_enums.py).
        register(AwardState, AwardAction, ObjectionState, ExportState)

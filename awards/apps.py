from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Awards and registers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from applications import estimator, notifications, selectors, workflow
        from applications import views as application_views
        from applications.templatetags import filing as filing_tags
        from applications.workflow import Action
        from awards import estimates, handover, letters, register, timeline
        from awards import selectors as award_selectors
        from awards.lifecycle import LABELS as AWARD_LABELS
        from awards.lifecycle import AwardAction
        from awards.models import AwardState, EntryState, ExportState, ObjectionState
        from awards.register_lifecycle import LABELS as REGISTER_LABELS
        from awards.register_lifecycle import RegisterAction
        from awards.revocation import LABELS as REVOCATION_LABELS
        from portal.accounts.models import NotificationKind
        from portal.template_enums import register as register_enums

        # Submission to a recognition: a product already listed is renewed within its window, never listed twice.
        workflow.on_transition(Action.SUBMIT, register.check_filing)
        workflow.on_transition(Action.RESUBMIT, register.check_filing)
        # Approval of a recognition lists it (or renews its entry) in the decision's transaction; approval of a
        # grant hands it to the award pipeline after the commit; a rejection gets its letter.
        workflow.on_transition(Action.APPROVE, register.on_approved)
        workflow.after_commit(Action.APPROVE, handover.queue_award)
        workflow.after_commit(Action.REJECT, handover.queue_rejection_letter)
        # The estimate while filing, by the award engine.
        estimator.register(estimates.FILING_ESTIMATOR)
        # The organisation's dashboard shows the amount awarded; the mails of a letter and of a certificate
        # attach its PDF.
        selectors.add_dashboard_column("awarded", award_selectors.awarded_amount)
        # After approval the applicant reads the award's real state, and the application's page its timeline.
        selectors.add_dashboard_column("award_state", award_selectors.award_state_of)
        selectors.add_dashboard_column("award_notice_until", award_selectors.award_notice_until_of)
        filing_tags.add_next_step_source(timeline.next_step_of)
        application_views.add_detail_section(timeline.detail_section)
        notifications.attach_letter(AwardAction.LETTER_ISSUED, letters.letter_of_event)
        notifications.attach_letter(RegisterAction.CERTIFICATE_ISSUED, letters.letter_of_event)
        # Which inbox kind (and e-mail preference) an award's and an entry's news is.
        notifications.add_event_kinds(
            {
                AwardAction.NOTICE_PUBLISHED: NotificationKind.NOTICE,
                AwardAction.OBJECTION_FILED: NotificationKind.OBJECTION,
                AwardAction.OBJECTION_RESOLVED: NotificationKind.OBJECTION,
                AwardAction.LETTER_ISSUED: NotificationKind.LETTER,
                AwardAction.PAYMENT_RECORDED: NotificationKind.PAYMENT,
                AwardAction.CLAWBACK_RECORDED: NotificationKind.PAYMENT,
                RegisterAction.NOTICE_PUBLISHED: NotificationKind.NOTICE,
                RegisterAction.OBJECTION_FILED: NotificationKind.OBJECTION,
                RegisterAction.OBJECTION_RESOLVED: NotificationKind.OBJECTION,
                RegisterAction.CERTIFICATE_ISSUED: NotificationKind.LETTER,
                RegisterAction.RENEWAL_REMINDED: NotificationKind.REMINDER,
                RegisterAction.EXPIRED: NotificationKind.DECISION,
                RegisterAction.REMOVED: NotificationKind.DECISION,
            }
        )
        # A history names an award's and an entry's events in words.
        workflow.add_event_labels({**AWARD_LABELS, **REGISTER_LABELS, **REVOCATION_LABELS})
        # The enums the templates compare with (portal/template_enums.py).
        register_enums(AwardState, AwardAction, ObjectionState, ExportState, EntryState, RegisterAction)

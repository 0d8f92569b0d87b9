from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Review")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from applications import selectors, views, workflow
        from applications.workflow import Action
        from portal.template_enums import register
        from reviews import decisions, desk, routing, thread_pages, threads
        from reviews import selectors as review_selectors
        from reviews.models import AssignmentState, DecisionOutcome, Outcome, TaskState
        from reviews.services import ReviewAction

        # Who reviews what, as the workflow's steps are taken (after applications' own effects).
        workflow.on_transition(Action.SUBMIT, routing.on_submitted)
        workflow.on_transition(Action.RESUBMIT, routing.on_submitted)
        workflow.on_transition(Action.START_FORMAL_CHECK, routing.on_formal_check_started)
        workflow.on_transition(Action.RETURN_FOR_CORRECTION, routing.on_returned)
        workflow.on_transition(Action.PASS_FORMAL_CHECK, routing.on_formal_check_passed)
        workflow.on_transition(Action.SEND_TO_EXPERTS, routing.on_sent_to_experts)
        workflow.on_transition(Action.APPROVE, decisions.on_approved)
        workflow.on_transition(Action.REJECT, decisions.on_rejected)
        workflow.on_transition(Action.WITHDRAW, routing.on_withdrawn)
        # A service channel's case: routed by the lead, handed to the enterprise when answered, reopened once.
        workflow.on_transition(Action.ROUTE, desk.on_routed)
        workflow.on_transition(Action.ANSWERED, desk.on_answered)
        workflow.on_transition(Action.REOPEN, desk.on_reopened)
        # Commission staff and experts see the files routed or assigned to them.
        selectors.add_visibility_rule(review_selectors.routed_or_assigned)
        selectors.add_dashboard_column("stage_due", review_selectors.stage_due_on)
        # The thread of messages on the applicant's page, and its events in the history.
        views.add_detail_section(thread_pages.add_detail_section)
        workflow.add_event_labels(threads.EVENT_LABELS)
        # The review stages and their working days, on a call's page.
        selectors.add_stage_clock(review_selectors.call_stages)
        # The enums the templates compare with (portal/template_enums.py).
        register(TaskState, AssignmentState, Outcome, DecisionOutcome, ReviewAction)

from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from applications import selectors, workflow
        from reviews import decisions, routing
        from reviews import selectors as review_selectors

        # Who reviews what, as the workflow's steps are taken (after applications' own effects).
        workflow.on_transition("submit", routing.on_submitted)
        workflow.on_transition("resubmit", routing.on_submitted)
        workflow.on_transition("start_formal_check", routing.on_formal_check_started)
        workflow.on_transition("return_for_correction", routing.on_returned)
        workflow.on_transition("pass_formal_check", routing.on_formal_check_passed)
        workflow.on_transition("send_to_experts", routing.on_sent_to_experts)
        workflow.on_transition("approve", decisions.on_approved)
        workflow.on_transition("reject", decisions.on_rejected)
        workflow.on_transition("withdraw", routing.on_withdrawn)
        # Commission staff and experts see the files routed or assigned to them.
        selectors.add_visibility_rule(review_selectors.routed_or_assigned)
        selectors.add_dashboard_column("stage_due", review_selectors.stage_due_on)

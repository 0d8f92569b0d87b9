from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The enums the templates compare with (portal/template_enums.py).
        from portal.template_enums import register
        from reviews.models import AssignmentState, DecisionOutcome, Outcome, TaskState
        from reviews.services import ReviewAction

        register(TaskState, AssignmentState, Outcome, DecisionOutcome, ReviewAction)

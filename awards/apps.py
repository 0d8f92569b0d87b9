from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "awards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The enums the templates compare with (portal/template_enums.py).
        from awards.lifecycle import AwardAction
        from awards.models import AwardState, ExportState, ObjectionState
        from portal.template_enums import register

        register(AwardState, AwardAction, ObjectionState, ExportState)

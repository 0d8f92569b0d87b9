from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The enums the templates compare with (portal/template_enums.py).
        from applications.models import State
        from applications.workflow import Action
        from portal.template_enums import register

        register(State, Action)

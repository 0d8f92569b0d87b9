from django.apps import AppConfig


class ShellConfig(AppConfig):
    """The project shell: settings, URLs, the Celery app, errors, health, logging, template tags and the demo
    command. It has no models; the accounts app (portal/accounts/) holds them under the label "portal"."""

    name = "portal"
    label = "shell"
    verbose_name = "Portal"

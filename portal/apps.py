from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ShellConfig(AppConfig):
    """The project shell: settings, URLs, the Celery app, errors, health, logging, template tags and the demo
    command. It has no models; the accounts app (portal/accounts/) holds them under the label "portal"."""

    name = "portal"
    label = "shell"
    verbose_name = _("Portal")

    def ready(self):
        # Every app's tasks module, in every process (the worker's autodiscovery does the same): services
        # queue a task by its registered name (portal/queueing.py) and the web process must know it.
        autodiscover_modules("tasks")

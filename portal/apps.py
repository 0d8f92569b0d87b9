from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"


class StaticFilesConfig(BaseStaticFilesConfig):
    """collectstatic leaves out what no page loads (CommonJS builds and type declarations of the npm
    packages, ReDoc: the API docs use Swagger UI), which also shortens its brotli step."""

    ignore_patterns = [*BaseStaticFilesConfig.ignore_patterns, "redoc", "*.d.ts", "*.cjs", "*.cjs.map"]

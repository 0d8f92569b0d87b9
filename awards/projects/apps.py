from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    """The project a confirmed award opens (SPEC §5, "After the award"). The layer above awards: it imports awards,
    reviews, applications and accounts; what it does when they act is registered here."""

    name = "awards.projects"
    label = "projects"
    verbose_name = _("Projects")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from applications import notifications, workflow
        from awards import lifecycle, money, reports, xlsx
        from awards.lifecycle import AwardAction
        from awards.projects import dashboard, instalments, opening
        from awards.projects import lifecycle as project_lifecycle
        from awards.projects.lifecycle import ProjectAction, Subject
        from awards.projects.models import (
            AcceptanceOutcome,
            ConditionKind,
            DocumentKind,
            InstalmentState,
            ProjectState,
            ProposalState,
            ReminderStage,
            ReportState,
            VariationKind,
            VariationState,
        )
        from portal.accounts.models import NotificationKind
        from portal.template_enums import register

        # A confirmed award opens its project; an award with a project is paid only by its instalments.
        lifecycle.after_move(AwardAction.AWARD_CONFIRMED, opening.on_award_confirmed)
        money.add_payment_rule(instalments.payment_rule)
        # Which inbox kind (and e-mail preference) a project's news is: its steps, and the reminders it sends.
        notifications.add_event_kinds(
            {
                **{action: NotificationKind.PROJECT for action in ProjectAction},
                ProjectAction.REMINDER_SENT: NotificationKind.REMINDER,
            }
        )
        # The application's history names the project's steps in words.
        workflow.add_event_labels(project_lifecycle.labels())
        # The award report, its exports and the dashboard show the project.
        reports.add_column("project__state", "Project state", "项目状态", display=dashboard.state_label)
        reports.add_column("project__ends_on", "Project ends on", "项目结束日期", display=str, kind=xlsx.DATE)
        reports.add_dashboard_section("projects/_dashboard.html", dashboard.figures)
        # The enums the templates compare with (portal/template_enums.py).
        register(
            ProjectState,
            ProjectAction,
            Subject,
            ReportState,
            VariationKind,
            VariationState,
            InstalmentState,
            ProposalState,
            ConditionKind,
            DocumentKind,
            AcceptanceOutcome,
            ReminderStage,
        )

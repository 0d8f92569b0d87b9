"""Administrators set a call's project terms here (the payment schedule and its conditions, the statement's
template, the deadlines, the acceptance rubric); projects themselves are read-only (they move only through the
lifecycle's writer, which audits every step)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from awards.projects.models import Instalment, Project, ProjectTerms
from awards.projects.terms import schedule_problems
from portal.accounts.admin import ReadOnlyAdmin


class ProjectTermsForm(forms.ModelForm):
    class Meta:
        model = ProjectTerms
        fields = [
            "call",
            "schedule",
            "goals_template_en",
            "goals_template_zh",
            "indicators_template",
            "milestones_template",
            "statement_days",
            "review_days",
            "acceptance_rubric",
        ]
        help_texts = {
            "schedule": _(
                "A list of instalments, each with label_en, label_zh, percent and condition: letter_issued, "
                'report_accepted (with "report": 1 for the first milestone\'s report), acceptance_passed, or date '
                '(with "on": "YYYY-MM-DD"). The percents add up to 100. Example: '
                '[{"label_en": "On the letter", "label_zh": "决定书出具后", "percent": "50", '
                '"condition": "letter_issued"}, {"label_en": "After acceptance", "label_zh": "验收通过后", '
                '"percent": "50", "condition": "acceptance_passed"}]'
            ),
        }

    def clean_schedule(self):
        schedule = self.cleaned_data["schedule"]
        problems = schedule_problems(schedule)
        if problems:
            raise forms.ValidationError(problems)
        return schedule


@admin.register(ProjectTerms)
class ProjectTermsAdmin(admin.ModelAdmin):
    form = ProjectTermsForm
    list_display = ["call", "statement_days", "review_days"]
    list_select_related = ["call"]


class InstalmentInline(admin.TabularInline):
    model = Instalment
    extra = 0
    can_delete = False
    fields = ["number", "label_en", "percent", "amount", "condition", "state", "payment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["application", "organisation", "program", "state", "statement_due_on", "ends_on", "opened_at"]
    list_filter = ["state", "program"]
    list_select_related = ["application", "organisation", "program"]
    search_fields = ["application__receipt_number", "organisation__name", "title"]
    inlines = [InstalmentInline]

"""What the apps register upward in their AppConfig.ready(): the effects of the workflow's steps, in the order
they run, and what applications and the outbox ask of the apps above them. A registration that goes
missing (a ready() not run, a line deleted) would leave a step doing nothing more than change its state."""

import pytest
from django.utils import translation

from applications import estimator, filing, notifications, selectors, workflow
from applications import views as application_views
from applications.templatetags import filing as filing_tags
from applications.workflow import Action
from awards import estimates, handover, letters, lifecycle, money, register, reports, timeline
from awards import selectors as award_selectors
from awards.lifecycle import AwardAction
from awards.projects import dashboard, instalments, opening
from awards.projects import lifecycle as project_lifecycle
from awards.register_lifecycle import RegisterAction
from portal.accounts import inbox, organisations, outbox
from portal.accounts.models import NotificationKind, OutboxKind
from reviews import decisions, desk, routing, thread_pages, threads
from reviews import selectors as review_selectors

ACTIONS = sorted({step.action for step in workflow.TABLE})


def test_each_step_runs_its_effects_in_the_order_of_the_layers():
    assert {action: workflow.effects_of(action) for action in ACTIONS} == {
        "answered": [desk.on_answered],
        # A recognition's approval lists it in the register, after reviews recorded the decision.
        "approve": [decisions.on_approved, register.on_approved],
        "close": [],
        "pass_formal_check": [routing.on_formal_check_passed],
        "reject": [decisions.on_rejected],
        "reopen": [desk.on_reopened],
        "reopen_after_objection": [],
        "route": [desk.on_routed],
        "resubmit": [filing.submit_effect, routing.on_submitted, register.check_filing],
        "return_for_correction": [routing.on_returned],
        "send_to_experts": [routing.on_sent_to_experts],
        "start_formal_check": [routing.on_formal_check_started],
        "submit": [filing.submit_effect, routing.on_submitted, register.check_filing],
        "withdraw": [routing.on_withdrawn],
    }


def test_approval_and_rejection_queue_the_award_pipeline_after_commit():
    queued = {action: workflow.after_commit_of(action) for action in ACTIONS if workflow.after_commit_of(action)}
    assert queued == {"approve": [handover.queue_award], "reject": [handover.queue_rejection_letter]}


def test_registering_twice_keeps_one_and_an_unknown_step_is_refused():
    workflow.on_transition("approve", decisions.on_approved)
    assert workflow.effects_of("approve") == [decisions.on_approved, register.on_approved]
    with pytest.raises(ValueError, match="aprove"):
        workflow.on_transition("aprove", decisions.on_approved)


def test_what_applications_asks_of_reviews_and_awards():
    assert selectors._visibility_rules == [review_selectors.routed_or_assigned]
    assert selectors._dashboard_columns == {
        "stage_due": review_selectors.stage_due_on,
        "awarded": award_selectors.awarded_amount,
        "award_state": award_selectors.award_state_of,
        "award_notice_until": award_selectors.award_notice_until_of,
    }
    assert selectors._stage_clock == [review_selectors.call_stages]
    assert estimator._registered() is estimates.FILING_ESTIMATOR
    # The application's page shows the thread of messages reviews keeps.
    # and the award's timeline; after approval its next step follows the award's state.
    assert application_views._detail_sections == [thread_pages.add_detail_section, timeline.detail_section]
    assert filing_tags._next_step_sources == [timeline.next_step_of]
    # The letter's mail and the certificate's attach their PDF.
    assert {
        "letter_issued": letters.letter_of_event,
        "certificate_issued": letters.letter_of_event,
    } == notifications._LETTERS


def test_an_award_and_a_register_entry_name_their_events_in_the_history():
    from awards.lifecycle import LABELS as AWARD_LABELS
    from awards.lifecycle import AwardAction
    from awards.projects import lifecycle as project_lifecycle
    from awards.register_lifecycle import LABELS as REGISTER_LABELS
    from awards.register_lifecycle import RegisterAction
    from awards.revocation import LABELS as REVOCATION_LABELS

    # The apps above name their events once each: awards', the registers', revocations', the projects' (one registry).
    assert {
        **threads.EVENT_LABELS,
        **AWARD_LABELS,
        **REGISTER_LABELS,
        **REVOCATION_LABELS,
        **project_lifecycle.labels(),
    } == workflow._EVENT_LABELS
    assert set(AWARD_LABELS) == set(AwardAction) and set(REGISTER_LABELS) == set(RegisterAction)
    with translation.override("en"):
        assert workflow.label_of(RegisterAction.REMOVED) == "Removed from the register"


def test_what_the_outbox_reads_again_when_a_mail_leaves():
    # A step's mail to the members as they are then, but its kind's digest takers; an inbox item's to its people.
    assert {
        OutboxKind.EVENT: notifications.recipients_when_sent,
        OutboxKind.NOTIFICATION: inbox.recipients_when_sent,
    } == outbox._RECIPIENTS
    assert {OutboxKind.INVITATION: organisations.invitation_email_wanted} == outbox._WANTED


def test_which_inbox_kind_each_step_is():
    """applications names its own steps' kinds, awards its awards' and entries'; a step not listed is other news."""
    assert notifications._KINDS[Action.SUBMIT] == NotificationKind.SUBMITTED
    assert notifications._KINDS[Action.RETURN_FOR_CORRECTION] == NotificationKind.RETURNED
    assert notifications._KINDS[AwardAction.LETTER_ISSUED] == NotificationKind.LETTER
    assert notifications._KINDS[RegisterAction.CERTIFICATE_ISSUED] == NotificationKind.LETTER
    assert notifications._KINDS[AwardAction.PAYMENT_RECORDED] == NotificationKind.PAYMENT
    assert Action.WITHDRAW not in notifications._KINDS


def test_what_awards_asks_of_the_projects_above_it():
    """A confirmed award opens its project; an award with a project is paid only by its instalments; the report,
    its exports and the dashboard show the project."""
    assert {"award_confirmed": [opening.on_award_confirmed]} == lifecycle._AFTER_MOVE
    assert [instalments.payment_rule] == money._PAYMENT_RULES
    assert {"project__state": dashboard.state_label, "project__ends_on": str} == reports.EXTRA_COLUMNS
    assert [key for key, _en, _zh in reports.COLUMNS][-2:] == ["project__state", "project__ends_on"]
    assert [("projects/_dashboard.html", dashboard.figures)] == reports._DASHBOARD_SECTIONS
    assert project_lifecycle.labels().items() <= workflow._EVENT_LABELS.items()


def test_every_step_that_writes_a_mail_names_its_inbox_kind():
    """The apps above register which kind (and so which e-mail preference) each step's news is: the application's
    steps, the award's and the entry's, and the project's (its reminders are reminders)."""
    from awards.lifecycle import NOTIFIED as AWARD_NOTIFIED
    from awards.projects.lifecycle import ProjectAction
    from awards.register_lifecycle import NOTIFIED as REGISTER_NOTIFIED

    kinds = notifications._KINDS
    assert set(workflow.NOTIFIED) - {workflow.Action.WITHDRAW} <= set(kinds)
    assert set(AWARD_NOTIFIED) | set(REGISTER_NOTIFIED) <= set(kinds)
    assert {kinds[action] for action in ProjectAction if action != ProjectAction.REMINDER_SENT} == {
        NotificationKind.PROJECT
    }
    assert kinds[ProjectAction.REMINDER_SENT] == NotificationKind.REMINDER
    assert set(kinds.values()) <= set(NotificationKind.values)

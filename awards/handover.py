"""Approval hands the application of a grant to the award pipeline, and a rejection gets its letter: queued for
after the decision commits (registered with the workflow in awards/apps.py)."""

from portal.queueing import enqueue_on_commit


def queue_award(application, event) -> None:
    # A recognition has no award: its approval made a register entry in the decision's own transaction
    # (awards/register.on_approved).
    if application.call.program.is_grant:
        enqueue_on_commit("awards.tasks.compute_award", application.pk)


def queue_rejection_letter(application, event) -> None:
    enqueue_on_commit("awards.tasks.issue_letter", application.decisions.values_list("pk", flat=True)[0])

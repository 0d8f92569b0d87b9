"""Approval hands the application to the award pipeline: queued after the decision commits."""


def queue_award(application, event) -> None:
    from awards.tasks import compute_award

    compute_award.delay(application.pk)

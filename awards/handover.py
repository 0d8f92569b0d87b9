"""Approval hands the application to the award pipeline: queued after the decision commits."""


def queue_award(application, event) -> None:
    from awards.tasks import compute_award

    compute_award.delay(application.pk)


def queue_rejection_letter(application, event) -> None:
    from awards.tasks import issue_letter

    issue_letter.delay(application.decisions.values_list("pk", flat=True)[0])

"""Who is told that an objection was filed: the officers of the commission that leads the award's or the entry's
program, in their inbox and by e-mail (portal/accounts/inbox.py), in the objection's own transaction.

The objector is the public, not an account (objections carry a name, a number and a phone, never a user), so no
inbox item goes to them. The organisation's members hear of an upheld objection through the step it takes
(`REOPEN_AFTER_OBJECTION` writes the application's e-mail and their inbox items); a dismissed one, which the
members never learned of (the event is not public), tells them nothing."""

from django.conf import settings
from django.urls import reverse

from portal.accounts import inbox
from portal.accounts.models import NotificationKind, User
from portal.accounts.predicates import is_officer_of


def lead_officers(lead_id: int) -> list[User]:
    staff = User.objects.filter(commission_id=lead_id, is_active=True).select_related("commission")
    return [user for user in staff if is_officer_of(user, lead_id)]


def tell_lead_of_objection(*, objection, event) -> None:
    """The lead's officers learn of a new objection to an award (`objection.award`) or a register entry
    (`objection.entry`); the link leads to where they resolve it."""
    subject = objection.award if objection.award_id else objection.entry
    application = subject.application
    program = subject.call.program
    if objection.award_id:
        link = reverse("call-awards", kwargs={"call_id": subject.call_id})
    else:
        link = reverse("call-register", kwargs={"call_id": subject.call_id})
    context = {
        "objection": objection,
        "application": application,
        "program": program,
        "on_award": bool(objection.award_id),
        "until": subject.notice_until,
        "link": link,
        "site_url": settings.SITE_URL,
    }
    inbox.notify(
        users=lead_officers(program.lead_id),
        kind=NotificationKind.OBJECTION,
        key=f"objection:{objection.pk}:filed",
        texts=inbox.render_texts("inbox/objection_filed_subject.txt", "inbox/objection_filed.txt", context),
        link=link,
        event=event,
    )

"""The registers of the recognition programs (SPEC §5 "Measures that grant a status, not money"): what an approval
lists, renewal, removal, expiry and the renewal reminder, and what the award engine reads of a register.

An approval of a recognition does not reach the award pipeline (`handover.queue_award` passes it by): it creates
the entry here, in the decision's transaction (registered with the workflow in awards/apps.py), or, for a product
the holder already has in the register, renews that entry. The entry goes on public notice with its call
(`register_notice.py`); the notice's close lists it and queues its certificate (`certificates.py`).
"""

import calendar
from datetime import date, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, Program, ProgramOutcome
from awards import permissions
from awards.models import LIVE, EntryState, RegisterEntry, RevocationCause
from awards.register_lifecycle import RegisterAction, entry_move, entry_record
from awards.revocation import letters_revoke
from portal.accounts.models import User
from portal.errors import ErrorCode, PortalError
from portal.queueing import enqueue_on_commit

# A renewal may be filed from this many days before the entry's validity ends, and the holder is reminded then.
RENEWAL_WINDOW_DAYS = 90
# Where the program asks for it, the product key names what is listed; otherwise the holder itself is.
PRODUCT_KEY = "product_key"


def is_recognition(program: Program) -> bool:
    return program.outcome == ProgramOutcome.RECOGNITION


def normalised_key(value) -> str:
    """The product key as registers and overlap keys compare it (awards/services.overlap_key does the same)."""
    return str(value or "").strip().upper()


def _asked(program: Program) -> list[dict]:
    """Every fact a track of the program asks (a recognition's tracks mostly share them)."""
    return [d for track in program.tracks.all() for d in track.fact_schema]


def listing_key(program: Program, facts: dict) -> str:
    """What one entry of the program's register stands for: the product, or "" for the holder itself."""
    asks_for_key = any(d["name"] == PRODUCT_KEY for d in _asked(program))
    return normalised_key(facts.get(PRODUCT_KEY)) if asks_for_key else ""


def public_facts_of(program: Program, facts: dict) -> list[dict]:
    """The program's public facts as granted, with both labels (the register shows them in either language)."""
    by_name = {d["name"]: d for d in _asked(program)}
    return [
        {
            "name": name,
            "kind": by_name[name]["kind"],
            "label_en": by_name[name]["label_en"],
            "label_zh": by_name[name]["label_zh"],
            "value": facts[name],
        }
        for name in program.public_facts
        if name in by_name and facts.get(name) not in (None, "")
    ]


def add_years(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February in a common year)."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def validity(program: Program, start: date) -> tuple[date, date]:
    """A period of `valid_years` from `start`, both days included."""
    return start, add_years(start, program.valid_years) - timedelta(days=1)


def _today() -> date:
    return timezone.localdate()


# --- what the engine reads ---------------------------------------------------------------------------------------


def recognised_for(organisation_id: int, product_key: str) -> frozenset[str]:
    """The registers listing this organisation's product validly now, as `engine.Context.recognised` holds them:
    "<program>" and "<program>/<track>" for each valid entry with that key."""
    key = normalised_key(product_key)
    if not key:
        return frozenset()
    rows = RegisterEntry.objects.filter(organisation_id=organisation_id, key=key, state=EntryState.VALID).values_list(
        "program__code", "track__code"
    )
    return frozenset(name for program, track in rows for name in (program, f"{program}/{track}"))


# --- filing and approval (workflow effects, registered in awards/apps.py) ----------------------------------------


def _live_entry(program: Program, organisation_id: int, key: str, *, lock: bool = False) -> RegisterEntry | None:
    entries = RegisterEntry.objects.filter(program=program, organisation_id=organisation_id, key=key, state__in=LIVE)
    return (entries.select_for_update(of=("self",)) if lock else entries).first()


def check_filing(*, application: Application, by: User, **_payload):
    """On submission to a recognition: a product already in the register is renewed, not listed twice, and only
    within RENEWAL_WINDOW_DAYS of its end of validity (or once it has expired); one still being listed waits."""
    program = application.call.program
    if not is_recognition(program):
        return None, {}
    key = listing_key(program, application.current_version.facts)
    live = _live_entry(program, application.organisation_id, key)
    if live is None:
        return None, {}
    if live.state in (EntryState.AWAITING_NOTICE, EntryState.IN_NOTICE):
        raise PortalError(
            ErrorCode.ALREADY_LISTED,
            _("“%(subject)s” is already approved for this register and its listing is under way.")
            % {"subject": live.subject},
        )
    opens = live.valid_to - timedelta(days=RENEWAL_WINDOW_DAYS)
    if live.state == EntryState.VALID and _today() < opens:
        raise PortalError(
            ErrorCode.ALREADY_LISTED,
            _("“%(subject)s” is listed until %(until)s; a renewal can be filed from %(opens)s.")
            % {"subject": live.subject, "until": live.valid_to, "opens": opens},
        )
    return None, {"renews": live.pk}


def on_approved(*, application: Application, by: User, **_payload):
    """The approval of a recognition lists the applicant: a new entry awaiting its notice, or the renewal of the
    entry its product already has (extended from its end of validity, or from today once expired)."""
    program = application.call.program
    if not is_recognition(program):
        return None, {}
    decision = application.decisions.first()  # the one reviews' effect has just recorded
    facts = application.current_version.facts
    key = listing_key(program, facts)
    live = _live_entry(program, application.organisation_id, key, lock=True)
    if live is not None and live.state in (EntryState.VALID, EntryState.EXPIRED):
        entry = _renew(live, application, decision, by, facts)
        return None, {"entry": entry.pk, "renewed": True}
    if live is not None:
        raise PortalError(ErrorCode.ALREADY_LISTED, _("This product's listing in the register is already under way."))
    entry = RegisterEntry.objects.create(
        program=program,
        track=application.track,
        organisation_id=application.organisation_id,
        call=application.call,
        application=application,
        decision=decision,
        subject=application.current_version.title,
        key=key,
        public_facts=public_facts_of(program, facts),
    )
    entry_record(entry=entry, action=RegisterAction.CREATED, by=by, public=False)
    return None, {"entry": entry.pk}


def _renew(entry: RegisterEntry, application: Application, decision, by: User, facts: dict) -> RegisterEntry:
    today = _today()
    if entry.state == EntryState.VALID:
        start, until = entry.valid_from, add_years(entry.valid_to, entry.program.valid_years)
    else:
        start, until = validity(entry.program, today)
    entry = entry_move(
        entry=entry,
        action=RegisterAction.RENEWED,
        by=by,
        data={"renewal": application.pk},
        application=application,
        decision=decision,
        track=application.track,
        subject=application.current_version.title,
        public_facts=public_facts_of(entry.program, facts),
        valid_from=start,
        valid_to=until,
        reminded_for=None,
    )
    # The renewal's own certificate, numbered and rendered once the decision commits.
    enqueue_on_commit("awards.tasks.issue_certificate", decision.pk)
    return entry


# --- dynamic management ------------------------------------------------------------------------------------------


def entry_remove(*, entry: RegisterEntry, by: User, reason: str) -> RegisterEntry:
    """The lead commission takes a valid entry off the register, with the reason the public register shows; its
    certificate is no longer in force."""
    allowed, refusal = permissions.can_remove_entry(by, entry)
    if not allowed:
        raise PortalError(ErrorCode.NOT_ALLOWED, refusal)
    reason = (reason or "").strip()
    if not reason:
        raise PortalError(ErrorCode.REQUIRED, _("Give the reason; the public register shows it."), field="reason")
    with transaction.atomic():
        entry = entry_move(
            entry=entry,
            action=RegisterAction.REMOVED,
            by=by,
            reason=reason,
            removed_on=_today(),
            removal_reason=reason,
        )
        # Its certificates (the listing's and any renewal's) cease to be in force with the removal.
        letters_revoke(letters=entry.certificates.all(), reason=reason, cause=RevocationCause.REGISTER_REMOVAL, by=by)
    return entry


@transaction.atomic
def entries_expire(*, today: date | None = None) -> list[RegisterEntry]:
    """Every valid entry whose validity ended before `today` expires (Celery beat)."""
    today = today or _today()
    ended = RegisterEntry.objects.select_for_update(skip_locked=True).filter(state=EntryState.VALID, valid_to__lt=today)
    return [
        entry_move(entry=entry, action=RegisterAction.EXPIRED, reason=_("The period of validity ended."))
        for entry in ended
    ]


@transaction.atomic
def renewal_reminders_send(*, today: date | None = None) -> list[RegisterEntry]:
    """Once per period of validity, remind the holder of every valid entry ending within RENEWAL_WINDOW_DAYS
    (Celery beat): the e-mail is an outbox row written with the event."""
    today = today or _today()
    due = (
        RegisterEntry.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(state=EntryState.VALID, valid_to__lte=today + timedelta(days=RENEWAL_WINDOW_DAYS))
        .exclude(reminded_for=F("valid_to"))
        .select_related("application")
    )
    reminded = []
    for entry in due:
        entry.reminded_for = entry.valid_to
        entry.save(update_fields=["reminded_for", "updated_at"])
        entry_record(entry=entry, action=RegisterAction.RENEWAL_REMINDED, data={"until": entry.valid_to.isoformat()})
        reminded.append(entry)
    return reminded

"""The recognition programs in the tests (SPEC §5 "Measures that grant a status, not money"): their calls, what
each files, and filings taken through the services to an entry on notice or listed.

INTL24-FOREIGN-AID-CATALOGUE (policy B, in force now; COMMERCE keeps it, HEALTH and FAO co-review) is the register
of most tests. Policy A ended on 2024-05-31: a call on its research beds opens only inside its period, so those
tests travel to POLICY_A_DAY first (`in_policy_a`).
"""

from datetime import datetime, time, timedelta

import time_machine
from django.utils import timezone

from applications import filing
from applications.models import Application, Call, Program
from applications.services import call_create
from awards.models import RegisterEntry
from awards.register_notice import register_notice_publish, register_notices_close
from portal.accounts.models import User
from tests import journeys
from tests.filings import make_draft

AID = "INTL24-FOREIGN-AID-CATALOGUE"
BEDS = "BIO21-CLINICAL-RESEARCH-BEDS"
CATALOGUE = "BIO21-INNOVATIVE-PRODUCT-CATALOGUE"
FIRST_SET = "BIO21-FIRST-SET"

# A Monday inside policy A's period (2021-06-01 to 2024-05-31), 10:00 in Shanghai.
POLICY_A_DAY = timezone.make_aware(datetime.combine(datetime(2023, 10, 16), time(10)))

AID_FACTS = {"product_key": "国械注准20233010001", "made_in_shanghai": "true"}
BEDS_FACTS = {"research_beds": "24"}
CATALOGUE_FACTS = {"product_key": "沪械注准20232010002"}


def in_policy_a(*, tick: bool = False):
    return time_machine.travel(POLICY_A_DAY, tick=tick)


def recognition_call(code: str, **terms) -> Call:
    """A call on a recognition program, open now (no budget, no rates: it pays nothing)."""
    now = timezone.now()
    program = Program.objects.get(code=code)
    return call_create(
        program=program,
        year=now.year,
        title_en=f"{now.year} call: {program.title_en}",
        title_zh=f"{now.year}年度{program.title_zh}申报",
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=25),
        **terms,
    )


def filed(call: Call, by: User, *, title: str, facts: dict, track: str = "") -> Application:
    """Drafted with every document the program asks for, and submitted."""
    track = track or call.program.tracks.first().code
    return filing.application_submit(application=make_draft(call, by, track=track, facts=facts, title=title), by=by)


def approved(call: Call, by: User, **filing_kwargs) -> Application:
    """Filed, and taken by the commissions to the lead's approval."""
    return journeys.approve(filed(call, by, **filing_kwargs), reason="Meets the clause.")


def entry_of(application: Application) -> RegisterEntry:
    return RegisterEntry.objects.get(pk=application.register_events.order_by("-pk").first().entry_id)


def on_notice(call: Call, by: User, **filing_kwargs) -> RegisterEntry:
    entry = entry_of(approved(call, by, **filing_kwargs))
    register_notice_publish(call=call, by=journeys.lead_of_call(call))
    entry.refresh_from_db()
    return entry


def listed(call: Call, by: User, **filing_kwargs) -> RegisterEntry:
    """Approved, on notice, and listed as the beat would the day after the notice ends."""
    entry = on_notice(call, by, **filing_kwargs)
    register_notices_close(today=entry.notice_until + timedelta(days=1))
    entry.refresh_from_db()
    return entry

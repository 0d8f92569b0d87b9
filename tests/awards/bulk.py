"""Many awards written in bulk (no review walk), for report, export and benchmark tests."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from applications.models import Application, ApplicationVersion, Call
from awards.models import Award, AwardState
from portal.accounts.models import Organisation, User
from reviews.models import Decision
from tests.factories import OrganisationFactory

DISTRICTS = ["pudong", "jingan", "xuhui", "minhang", "jiading"]


def make_awards(call: Call, n: int, *, decided_by: User, creator: User, batch: int = 5000, start: int = 0) -> None:
    organisations = [OrganisationFactory(district=d) for d in DISTRICTS]
    track = call.program.tracks.order_by("position").first()
    now = timezone.now()
    for offset in range(start, start + n, batch):
        size = min(batch, start + n - offset)
        applications = Application.objects.bulk_create(
            Application(
                organisation=organisations[i % len(organisations)],
                call=call,
                track=track,
                created_by=creator,
                state="approved",
                title=f"Bulk {i}",
                receipt_number=f"BULK-{call.pk}-{i:07d}",
                estimated_amount=Decimal(1_000_000 + i),
            )
            for i in range(offset, offset + size)
        )
        versions = ApplicationVersion.objects.bulk_create(
            ApplicationVersion(
                application=a,
                number=1,
                title=a.title,
                facts={},
                product_key=a.receipt_number,
                catalogue_version="bulk",
                submitted_at=now,
                submitted_by=creator,
            )
            for a in applications
        )
        decisions = Decision.objects.bulk_create(
            Decision(application=a, version=v, outcome="approved", decided_by=decided_by)
            for a, v in zip(applications, versions, strict=True)
        )
        Award.objects.bulk_create(
            Award(
                application=a,
                decision=d,
                organisation_id=a.organisation_id,
                call=call,
                program=call.program,
                year=call.year - (i % 3),
                overlap_key=f"bulk|{a.receipt_number}",
                amount=Decimal(1_000_000 + i),
                paid=Decimal(500_000) if i % 2 else Decimal(0),
                breakdown={},
                catalogue_version="bulk",
                state=AwardState.DISBURSED if i % 2 else AwardState.CONFIRMED,
                confirmed_at=now - timedelta(days=i % 30),
            )
            for i, (a, d) in enumerate(zip(applications, decisions, strict=True), start=offset)
        )


def remove_bulk(call: Call) -> None:
    awards = Award.objects.filter(call=call, catalogue_version="bulk")
    applications = list(awards.values_list("application_id", flat=True))
    organisations = set(awards.values_list("organisation_id", flat=True))
    awards.delete()
    Decision.objects.filter(application_id__in=applications).delete()
    Application.objects.filter(pk__in=applications).update(current_version=None)
    ApplicationVersion.objects.filter(application_id__in=applications).delete()
    Application.objects.filter(pk__in=applications).delete()
    Organisation.objects.filter(pk__in=organisations, applications__isnull=True).delete()

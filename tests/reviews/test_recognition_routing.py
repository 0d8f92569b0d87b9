"""A measure that grants a status is reviewed as a grant is (formal check, opinions, the lead's decision) but has
no budget: the Finance Bureau, which takes part in a grant only by confirming its budget, has nothing to do
with it, even where the clause lists it (the research beds, the first-set recognition)."""

import pytest

from applications.models import Program
from portal.accounts.models import Commission
from reviews.forms import QueueFilter
from reviews.routing import programs_reviewed_by
from tests import journeys

pytestmark = pytest.mark.django_db


def reviewed_by(code: str) -> set[str]:
    return set(programs_reviewed_by(Commission.objects.get(code=code).pk).values_list("code", flat=True))


def test_the_finance_bureau_reviews_every_grant_and_no_recognition(catalogue):
    grants = set(Program.objects.filter(outcome="grant").values_list("code", flat=True))
    assert reviewed_by("FIN") == grants


def test_a_commission_reviews_the_recognitions_it_leads_or_co_reviews(catalogue):
    assert {"BIO21-CLINICAL-RESEARCH-BEDS", "BIO21-DEVICE-FAST-ADMISSION"} <= reviewed_by("SHDC")
    assert "BIO21-CLINICAL-RESEARCH-BEDS" in reviewed_by("HEALTH")
    assert reviewed_by("LEADGROUP") == {"BIO21-KEY-ENTERPRISE-LIST"}
    # Customs co-reviews the white list, and the desk may route a case to it (B II.5(12) names it).
    assert reviewed_by("CUSTOMS") == {"BIO21-RD-GOODS-WHITELIST", "INTL24-INTERNATIONALISATION-DESK"}


def test_the_finance_officers_queue_filter_offers_no_call_of_a_recognition(catalogue):
    from tests import registers

    call = registers.recognition_call(registers.AID)
    offered = QueueFilter(user=journeys.staff("FIN")).filters["call"].queryset
    assert call not in offered
    assert call in QueueFilter(user=journeys.staff("COMMERCE")).filters["call"].queryset

"""The calls the tests file into, built through the services. Most are BIO24-DRUG-INNOVATIVE calls open now
(policy C, amounts confirmed): STCSM leads; SHEITC, DRC and SMPA co-review; FIN confirms the budget. The device
call is BIO24-DEVICE-INNOVATIVE's, whose two tracks ask for different documents. The desk is the
internationalisation desk of policy B (II.5(12)), open now: STCSM routes its cases."""

from datetime import timedelta

from django.utils import timezone

from applications.models import Call, Program
from applications.services import call_create, policy_confirm_amounts
from portal.accounts.models import User
from tests.factories import administrator

RUBRIC = [
    {"code": "innovation", "label_en": "Innovation", "label_zh": "创新性", "weight": 60},
    {"code": "feasibility", "label_en": "Feasibility", "label_zh": "可行性", "weight": 40},
]


def amounts_admin() -> User:
    """The administrator who confirms policy amounts for the tests: a person of their own, so that the people
    a test makes for itself (an `admin-ops` of its own) never collide with them."""
    return User.objects.filter(username="amounts-admin").first() or administrator(username="amounts-admin")


def confirm_policy_c() -> None:
    """As an administrator does before opening a call on policy C (its amounts come from press reports)."""
    policy_confirm_amounts(policy_code="SH-GOV-OFFICE-2024-9", by=amounts_admin(), against="沪府办规〔2024〕9号")


def bio24_call(*, uses_expert_review=False, **terms) -> Call:
    """Without a per-applicant limit; with expert review (and its rubric) when asked."""
    confirm_policy_c()
    now = timezone.now()
    return call_create(
        program=Program.objects.get(code="BIO24-DRUG-INNOVATIVE"),
        year=now.year,
        title_en="Innovative drugs (review)",
        title_zh="创新药（评审）",
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=25),
        budget=500_000_000,
        uses_expert_review=uses_expert_review,
        rubric=RUBRIC if uses_expert_review else None,
        milestone_windows={"*": {"from": "2024-06-01", "to": "2026-12-31"}},
        **terms,
    )


def filing_call() -> Call:
    """The call of the filing tests: limited to 3 applications per applicant."""
    confirm_policy_c()
    now = timezone.now()
    return call_create(
        program=Program.objects.get(code="BIO24-DRUG-INNOVATIVE"),
        year=now.year,
        title_en="Innovative drugs call",
        title_zh="创新药申报",
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=25),
        budget=200_000_000,
        max_applications_per_applicant=3,
        milestone_windows={"*": {"from": "2024-06-01", "to": "2026-12-31"}},
    )


DESK = "INTL24-INTERNATIONALISATION-DESK"


def desk_call(**terms) -> Call:
    """The internationalisation desk's round: no budget, no rubric; its clock is the catalogue's unless `terms`
    give the call one (stage_deadlines)."""
    now = timezone.now()
    return call_create(
        program=Program.objects.get(code=DESK),
        year=now.year,
        title_en="Internationalisation desk",
        title_zh="企业国际化问题协调专窗",
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=25),
        **terms,
    )


def device_call() -> Call:
    """BIO24-DEVICE-INNOVATIVE, open now: special_review and first_registration."""
    confirm_policy_c()
    now = timezone.now()
    return call_create(
        program=Program.objects.get(code="BIO24-DEVICE-INNOVATIVE"),
        year=now.year,
        title_en="Innovative devices call",
        title_zh="创新医疗器械申报",
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=25),
        budget=60_000_000,
        milestone_windows={"*": {"from": "2024-06-01", "to": "2026-12-31"}},
    )

"""Demo data for `make run`: organisations, users of every role, open calls. Idempotent."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from applications.models import Call, Program
from applications.services import call_create, policy_confirm_amounts
from portal.models import Commission, Organisation, Role, User
from portal.organisations import member_add
from portal.uscc import read_shanghai_uscc

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 -- demo data only, printed by make run
SHANGHAI = ZoneInfo("Asia/Shanghai")
DEMO_RUBRIC = [
    {"code": "innovation", "label_en": "Innovation and clinical value", "label_zh": "创新性与临床价值", "weight": 40},
    {"code": "progress", "label_en": "Development progress", "label_zh": "研发进展", "weight": 30},
    {
        "code": "industrialisation",
        "label_en": "Industrialisation in Shanghai",
        "label_zh": "本市产业化前景",
        "weight": 30,
    },
]
# The smallest well-formed PDF, standing in for the demo application's evidence.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

ORGANISATIONS = [
    # (USCC, name, kind); the district follows from the code
    ("91310115MA1FL2AB3F", "上海张江示范生物科技有限公司 (Zhangjiang Demo Biotech Co., Ltd.)", "enterprise"),
    ("91310000MA1FL3CD4A", "上海示范医疗器械有限公司 (Shanghai Demo Medical Devices Co., Ltd.)", "enterprise"),
]

USERS = [
    # (username, role, commission, organisation index, org admin, first name)
    ("admin", Role.ADMIN, None, None, False, "Administrator"),
    ("alice", Role.ENTERPRISE, None, 0, True, "Alice"),
    ("bob", Role.ENTERPRISE, None, 0, False, "Bob"),
    ("charlie", Role.ENTERPRISE, None, 1, True, "Charlie"),
    ("officer-stcsm", Role.OFFICER, "STCSM", None, False, "STCSM officer"),
    ("officer-sheitc", Role.OFFICER, "SHEITC", None, False, "SHEITC officer"),
    ("officer-smpa", Role.OFFICER, "SMPA", None, False, "SMPA officer"),
    ("finance", Role.FINANCE, "FIN", None, False, "Finance officer"),
    ("expert", Role.EXPERT, None, None, False, "Expert reviewer"),
]


def _at(day, hour=9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


class Command(BaseCommand):
    help = "Create demo organisations, users and open calls (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--print-logins", action="store_true", help="only print the demo logins")

    def handle(self, *args, print_logins=False, **options):
        if not print_logins:
            self._load()
            return
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, commission, org, _admin, _name in USERS:
            where = commission or (ORGANISATIONS[org][1] if org is not None else "")
            self.stdout.write(f"  {username:<16} {role.label:<22} {where}")
        self.stdout.write("  (administrators set up two-factor sign-in with an authenticator app at their first login)")

    @transaction.atomic
    def _load(self):
        organisations = []
        for uscc, name, kind in ORGANISATIONS:
            district = read_shanghai_uscc(uscc).district
            org, _created = Organisation.objects.get_or_create(
                uscc=uscc,
                defaults={"name": name, "kind": kind, "district": district, "contact_email": "grants@example.com"},
            )
            organisations.append(org)
        for username, role, commission, org, org_admin, first_name in USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "role": role,
                    "commission": Commission.objects.get(code=commission) if commission else None,
                    "organisation": organisations[org] if org is not None else None,
                    "is_org_admin": org_admin,
                    "first_name": first_name,
                    "email": f"{username}@example.com",
                    "is_staff": role == Role.ADMIN,
                    "is_superuser": role == Role.ADMIN,
                    "email_verified_at": timezone.now(),
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            if org is not None:
                member_add(organisation=organisations[org], user=user, admin=org_admin)
        # Policy C's amounts come from press reports; the demo administrator has confirmed them.
        policy_confirm_amounts(policy_code="SH-GOV-OFFICE-2024-9")
        today = timezone.localdate()
        opens, closes = today - timedelta(days=10), today + timedelta(days=20)
        demo_calls = [
            (
                "BIO24-DRUG-INNOVATIVE",
                "Class 1 innovative drugs by clinical phase",
                "1类创新药分阶段支持",
                Decimal("200000000"),
                {},
            ),
            ("BIO24-DEVICE-INNOVATIVE", "Innovative medical devices", "创新医疗器械", Decimal("60000000"), {}),
            (
                "INTL24-OVERSEAS-LAUNCH",
                "Overseas registration and launch",
                "境外注册上市",
                Decimal("30000000"),
                {"*": {"rate": "0.30", "cap": "5000000"}},
            ),
        ]
        for code, title_en, title_zh, budget, terms in demo_calls:
            program = Program.objects.get(code=code)
            if Call.objects.filter(program=program, year=today.year, title_en__startswith=f"{today.year} ").exists():
                continue
            call_create(
                program=program,
                year=today.year,
                title_en=f"{today.year} call: {title_en}",
                title_zh=f"{today.year}年度{title_zh}项目申报",
                opens_at=_at(opens),
                closes_at=_at(closes, 17),
                budget=budget,
                uses_expert_review=code.startswith("BIO24-DRUG"),
                rubric=DEMO_RUBRIC if code.startswith("BIO24-DRUG") else None,
                max_applications_per_applicant=3,
                track_terms=terms,
                stage_deadlines={"formal_check": 5, "department_review": 15, "expert_review": 10, "decision": 5},
            )
        self._demo_review(organisations)
        self.stdout.write(self.style.SUCCESS("demo data loaded"))

    def _demo_review(self, organisations):
        """An expert invited to the drug call and one submitted application in STCSM's queue."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        from applications import filing
        from applications.models import Application
        from reviews.services import expert_invite

        call = Call.objects.filter(program__code="BIO24-DRUG-INNOVATIVE", uses_expert_review=True).first()
        if call is None:
            return
        expert_invite(call=call, expert=User.objects.get(username="expert"), by=User.objects.get(username="admin"))
        alice = User.objects.get(username="alice")
        if Application.objects.filter(call=call, organisation=organisations[0]).exists():
            return
        application = filing.application_create(
            call=call, track=call.program.tracks.get(code="phase_2"), title="ZJ-101 注射液 II期临床", by=alice
        )
        facts = {
            "rd_spending": "12000000",
            "drug_category": "chemical",
            "product_key": "CXHL2400123",
            "milestone_date": (timezone.localdate() - timedelta(days=60)).isoformat(),
        }
        filing.application_save_draft(application=application, title=application.title, draft_facts=facts, by=alice)
        for document in call.program.document_types:
            upload = SimpleUploadedFile(f"{document['code']}.pdf", DEMO_PDF, content_type="application/pdf")
            filing.attachment_add(application=application, document_type=document["code"], upload=upload, by=alice)
        filing.application_submit(application=application, by=alice)

"""Demo data for `make run`: organisations, users of every role (an officer for every commission the catalogue
routes work to), open calls, and applications already at every stage of SPEC §3, walked there through the same
services the pages call, so each has its real audit trail. Idempotent: a second run creates nothing.

One thing does not wait for the calendar: the notice of the demo's confirmed awards is closed by
`notices_close(today=...)` as the hourly beat would on the day after the notice ends (its own parameter, no
clock is changed); the award that stays on notice is published after that, and its notice runs for real. The
registers' notices are closed the same way (`register_notices_close(today=...)`), so their entries are valid
from that day.

The demo hospital's research beds (policy A, which ended on 2024-05-31) were filed to a call of May 2024, inside
the policy's period, through the filing services' own `at` (the moment of filing); they are decided and listed
now."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from applications.models import Call, Policy, Program, ProgramOutcome
from applications.services import call_create, policy_confirm_amounts
from portal.accounts.models import Commission, Organisation, Role, User
from portal.accounts.organisations import member_add
from portal.accounts.uscc import read_shanghai_uscc

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 -- demo data only, printed by make run
SHANGHAI = ZoneInfo("Asia/Shanghai")
POLICY_C = "SH-GOV-OFFICE-2024-9"
# The text the demo administrator names when confirming policy C's amounts (shown in the Django admin).
POLICY_C_TEXT = "沪府办规〔2024〕9号, full text as published by the General Office (demo reading)"
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
    # A public institution (a USCC beginning with 12): a hospital may apply for clinical research beds.
    ("12310000425012345C", "上海示范医院 (Shanghai Demo Hospital)", "public_institution"),
]

USERS = [
    # (username, role, commission, organisation index, org admin, first name)
    ("admin", Role.ADMIN, None, None, False, "Administrator"),
    ("alice", Role.ENTERPRISE, None, 0, True, "Alice"),
    ("bob", Role.ENTERPRISE, None, 0, False, "Bob"),
    ("charlie", Role.ENTERPRISE, None, 1, True, "Charlie"),
    ("hospital", Role.ENTERPRISE, None, 2, True, "Hospital"),
    ("finance", Role.FINANCE, "FIN", None, False, "Finance officer"),
    ("expert", Role.EXPERT, None, None, False, "Expert reviewer"),
]
# What each login should try first (an officer of a commission not named here: its queue).
FIRST_STEPS = {
    "admin": "reports, dashboard and open data (real confirmed, paid and clawed-back awards); exports; "
    "Django admin > Policies: who confirmed policy C's amounts, when, against which text; the dashboard's projects",
    "alice": "her applications: a confirmed award with its letter PDF, a partly paid one, one in STCSM's queue; "
    "an internationalisation-desk case answered by Customs and SMPA (reopen it once, or close it); "
    "My projects: draft ZJ-D01's task statement, projects at every stage after the award",
    "bob": "alice's colleague: the same applications, without managing the team",
    "charlie": "his applications: in formal check, department review, with experts, clawed back, on public notice; "
    "a device removed from the foreign-aid catalogue; "
    "My projects: correct CH-D06's returned task statement",
    "hospital": "its clinical research beds: the certificate PDF on the application, the public register of the beds",
    "officer-commerce": "Our registers: the foreign-aid catalogue (a valid, a removed, an on-notice entry); remove one",
    "officer-shdc": "Our registers: the hospital's identified research beds and their history",
    "finance": "Instalments: pay what is payable, read why the rest waits; record ZJ-D11's repayment; budget tasks",
    "expert": "the drug call: declare no conflict and score the application sent to the experts; "
    "Acceptance reviews: CH-D08's acceptance panel",
    "officer-stcsm": "the queue: start the formal check of ZJ-101; the call's awards page and the open notice; "
    "Projects: ZJ-D05's task statement, ZJ-D02's progress report, ZJ-D07's acceptance",
    "officer-drc": "the queue: give DRC's opinion on the drug application in department review",
    "officer-sheitc": "the queue: give SHEITC's opinion on the drug application in department review",
    "officer-smpa": "the queue: give SMPA's opinion on the drug application in department review; "
    "the internationalisation-desk case SMPA answered",
    "officer-customs": "nothing open: Customs answered the demo's internationalisation-desk case (its review page "
    "shows every answer and internal note)",
}


def routed_commissions() -> list[Commission]:
    """Every commission a program leads or co-reviews, those that confirm budgets and those a service channel's
    case may be routed to: each gets a login."""
    from reviews.desk import routable_units

    codes = set(
        Commission.objects.filter(
            Q(led_programs__isnull=False) | Q(co_reviewed_programs__isnull=False) | Q(confirms_budget=True)
        ).values_list("code", flat=True)
    )
    for program in Program.objects.filter(outcome=ProgramOutcome.CHANNEL):
        codes |= set(routable_units(program).values_list("code", flat=True))
    return list(Commission.objects.filter(code__in=codes).order_by("code"))


def _idle_hint(code: str) -> str:
    programs = Program.objects.filter(co_reviewers__code=code)
    codes = ", ".join(programs.order_by("code").values_list("code", flat=True)[:3])
    if not codes:
        return "its queue (empty in the demo: internationalisation-desk cases the lead routes to it land there)"
    return f"its queue (empty in the demo: it co-reviews {codes}, which have no demo call)"


def demo_logins() -> list[tuple[str, str, str | None, int | None, bool, str]]:
    """The fixed logins and one officer per routed commission (the Finance Bureau's is `finance`)."""
    officers = [
        (f"officer-{c.code.lower()}", Role.OFFICER, c.code, None, False, f"{c.code} officer")
        for c in routed_commissions()
        if not c.confirms_budget
    ]
    return [*USERS[:5], *officers, *USERS[5:]]


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
        with translation.override("en"):  # the hints are in English: the role labels with them
            self._print_logins()

    def _print_logins(self):
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, commission, org, _admin, _name in demo_logins():
            where = commission or (ORGANISATIONS[org][1] if org is not None else "")
            self.stdout.write(f"  {username:<16} {role.label:<22} {where}")
            self.stdout.write(f"  {'':<16} try first: {FIRST_STEPS.get(username) or _idle_hint(commission)}")
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
        for username, role, commission, org, org_admin, first_name in demo_logins():
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
        # Policy C's amounts come from press reports; the demo administrator confirms them, on the record, as a
        # real administrator would before opening a call (Django admin, action "Confirm the amounts").
        if not Policy.objects.get(code=POLICY_C).amounts_verified:
            policy_confirm_amounts(policy_code=POLICY_C, by=User.objects.get(username="admin"), against=POLICY_C_TEXT)
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
                # The device round takes six per applicant: the demo's projects after the award are its awards.
                max_applications_per_applicant=6 if code == "BIO24-DEVICE-INNOVATIVE" else 3,
                track_terms=terms,
                stage_deadlines={"formal_check": 5, "department_review": 15, "expert_review": 10, "decision": 5},
            )
        self._demo_review(organisations)
        _demo_stages(organisations)
        _demo_desk(organisations)
        _demo_registers(organisations)
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
        facts = _answers(
            application.track,
            rd_spending="12000000",
            product_key="CXHL2400123",
            milestone_date=(timezone.localdate() - timedelta(days=60)).isoformat(),
        )
        filing.application_save_draft(application=application, title=application.title, draft_facts=facts, by=alice)
        for document in application.track.document_types:
            upload = SimpleUploadedFile(f"{document['code']}.pdf", DEMO_PDF, content_type="application/pdf")
            filing.attachment_add(application=application, document_type=document["code"], upload=upload, by=alice)
        filing.application_submit(application=application, by=alice)


# --- applications at every stage, walked there through the services ------------------------------------------

# (title, organisation index, track, R&D spending) per stage; the title is how a second run finds them.
DRUG_STAGES = {
    "formal_check": ("CH-201 片 I期临床", 1, "phase_1", "8000000"),
    "department_review": ("CH-202 注射液 II期临床", 1, "phase_2", "15000000"),
    "expert_review": ("CH-203 胶囊 III期临床", 1, "phase_3", "30000000"),
}
DEVICE_STAGES = {
    "letter_issued": ("ZJ-D01 手术机器人", 0, "first_registration", "12000000"),
    "partly_paid": ("ZJ-D02 血管支架", 0, "first_registration", "10000000"),
    "clawed_back": ("CH-D03 影像系统", 1, "special_review", "2500000"),
    "on_notice": ("CH-D04 体外诊断试剂", 1, "special_review", "2000000"),
}
# Awards whose projects the demo walks to each state after the award (issue 15), keyed by the project's state.
PROJECT_STAGES = {
    "statement_submitted": ("ZJ-D05 骨科植入物", 0, "special_review", "2000000"),
    "statement_returned": ("CH-D06 内窥镜", 1, "special_review", "2000000"),
    "acceptance_applied": ("ZJ-D07 人工心脏瓣膜", 0, "special_review", "2000000"),
    "acceptance_panel": ("CH-D08 基因测序仪", 1, "special_review", "2000000"),
    "passed": ("ZJ-D09 康复外骨骼", 0, "special_review", "2000000"),
    "passed_with_conditions": ("CH-D10 质子治疗系统", 1, "special_review", "2000000"),
    "failed": ("ZJ-D11 可穿戴监护仪", 0, "special_review", "2000000"),
}


# How the demo's products answer the questions their track asks (each track asks only some of these).
DEMO_ANSWERS = {"drug_category": "chemical", "class_1": "true", "cell_gene_therapy": "true", "made_in_shanghai": "true"}


def _answers(track, **given) -> dict:
    """The facts a demo filing declares: what its track asks, from `given` and DEMO_ANSWERS."""
    answers = {**DEMO_ANSWERS, **given}
    return {d["name"]: answers[d["name"]] for d in track.fact_schema if d["name"] in answers}


def _staff(commission: Commission) -> User:
    return User.objects.get(username="finance" if commission.confirms_budget else f"officer-{commission.code.lower()}")


def _submitted(call: Call, organisation: Organisation, title: str, track: str, rd_spending: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications import filing

    applicant = User.objects.filter(organisation=organisation, is_org_admin=True).order_by("pk").first()
    application = filing.application_create(
        call=call, track=call.program.tracks.get(code=track), title=title, by=applicant
    )
    facts = _answers(
        application.track,
        rd_spending=rd_spending,
        product_key=f"DEMO-{title.split()[0]}",
        milestone_date=(timezone.localdate() - timedelta(days=45)).isoformat(),
    )
    filing.application_save_draft(application=application, title=title, draft_facts=facts, by=applicant)
    for document in application.track.document_types:
        upload = SimpleUploadedFile(f"{document['code']}.pdf", DEMO_PDF, content_type="application/pdf")
        filing.attachment_add(application=application, document_type=document["code"], upload=upload, by=applicant)
    return filing.application_submit(application=application, by=applicant)


def _to_department_review(application):
    from applications import workflow
    from reviews.checklist import CODES

    officer = _staff(application.call.program.lead)
    workflow.transition(application=application, action=workflow.Action.START_FORMAL_CHECK, by=officer)
    checklist = dict.fromkeys(CODES, True)
    return workflow.transition(
        application=application, action=workflow.Action.PASS_FORMAL_CHECK, by=officer, checklist=checklist
    )


def _reviewed(application):
    """Every opinion given and the budget confirmed: ready for the lead's decision."""
    from reviews import services
    from reviews.models import Outcome, ReviewTask, TaskKind, TaskState

    for task in ReviewTask.objects.filter(application=application, state=TaskState.OPEN).select_related("commission"):
        if task.kind == TaskKind.BUDGET:
            services.budget_confirm(task=task, by=_staff(task.commission), confirmed=True)
        else:
            services.opinion_give(
                task=task, by=_staff(task.commission), opinion=Outcome.SUPPORT, reasons="Demo: reviewed."
            )
    return application


def _approved(application):
    """Approved and its award computed now (the task `approve` queues does the same; it finds it done)."""
    from applications import workflow
    from awards.services import award_compute

    _reviewed(_to_department_review(application))
    officer = _staff(application.call.program.lead)
    workflow.transition(application=application, action=workflow.Action.APPROVE, by=officer, reason="Demo: approved.")
    return award_compute(application_id=application.pk)


def _demo_stages(organisations):
    from applications import workflow
    from applications.models import Application
    from awards import letters, notice
    from awards.models import Award

    drug = Call.objects.filter(program__code="BIO24-DRUG-INNOVATIVE", uses_expert_review=True).first()
    device = Call.objects.filter(program__code="BIO24-DEVICE-INNOVATIVE").order_by("-opens_at").first()
    if drug is None or device is None or Application.objects.filter(title=DEVICE_STAGES["on_notice"][0]).exists():
        return
    made = {}
    for stage, (title, org, track, rd) in {**DRUG_STAGES, **DEVICE_STAGES, **PROJECT_STAGES}.items():
        call = drug if stage in DRUG_STAGES else device
        made[stage] = _submitted(call, organisations[org], title, track, rd)
    lead = _staff(drug.program.lead)
    workflow.transition(application=made["formal_check"], action=workflow.Action.START_FORMAL_CHECK, by=lead)
    _to_department_review(made["department_review"])  # the co-reviewers' opinions are still to give
    _reviewed(_to_department_review(made["expert_review"]))
    workflow.transition(application=made["expert_review"], action=workflow.Action.SEND_TO_EXPERTS, by=lead)

    stages = ["letter_issued", "partly_paid", "clawed_back", *PROJECT_STAGES]
    awards = {stage: _approved(made[stage]) for stage in stages}
    published = notice.notice_publish(call=device, by=lead)
    # No objection came: closed as the beat would the day after the notice ends (see the module's docstring).
    # Confirmed, each award opens its project (awards/projects).
    notice.notices_close(today=max(a.notice_until for a in published) + timedelta(days=1))
    for award in awards.values():
        letters.letter_issue(decision_id=award.decision_id)  # what the queued `issue_letter` task runs
    _demo_projects({stage: Award.objects.get(pk=award.pk) for stage, award in awards.items()})
    _approved(made["on_notice"])
    notice.notice_publish(call=device, by=lead)  # this notice runs for real: objections can be filed


# --- the internationalisation desk (B II.5(12)): one case, answered by two units ---------------------------

DESK = "INTL24-INTERNATIONALISATION-DESK"
DESK_CASE = "ZJ-101 临床样本出口美国受阻 (trial samples held at export)"
DESK_ANSWERS = {
    "CUSTOMS": "经核查，贵司申报的冷冻血浆样本属于特殊物品，需先取得出入境特殊物品卫生检疫审批单。请通过"
    "“互联网+海关”办理审批，审批通过后按“研发用特殊物品”通道申报，现场查验时间可压缩至1个工作日。",
    "SMPA": "The samples come from a trial approved by the NMPA (CXHL2400123); SMPA confirms the trial's approval to "
    "Customs on request. For the US site, the FDA's IND acknowledgement letter suffices as the import document.",
}


def _demo_desk(organisations):
    """A desk case of Zhangjiang Demo Biotech, routed by STCSM to Customs and SMPA, both answered: alice reads the two
    answers and may reopen the case once or close it."""
    from applications import filing, workflow
    from applications.models import Application
    from reviews import services
    from reviews.models import ReviewTask, TaskKind, TaskState

    program = Program.objects.get(code=DESK)
    today = timezone.localdate()
    call = Call.objects.filter(program=program).order_by("-opens_at").first()
    if call is None:
        call = call_create(
            program=program,
            year=today.year,
            title_en="Internationalisation desk: difficulties met going abroad",
            title_zh="企业国际化发展问题协调服务专窗",
            opens_at=_at(today - timedelta(days=10)),
            closes_at=_at(program.policy.effective_to, 17),  # open for the plan's whole period
        )
    if Application.objects.filter(call=call, title=DESK_CASE).exists():
        return
    alice = User.objects.get(username="alice")
    case = filing.application_create(call=call, track=program.tracks.get(), title=DESK_CASE, by=alice)
    facts = {
        "desk_difficulty": "我司II期临床试验的冷冻血浆样本需寄往美国中心实验室，出口报关时被要求补充材料，样本已在"
        "口岸滞留两周，存在失效风险。希望明确所需审批和材料，并加快通关。",
        "desk_market": "美国 (United States)",
        "desk_area": "customs",
    }
    filing.application_save_draft(application=case, title=DESK_CASE, draft_facts=facts, by=alice)
    case = filing.application_submit(application=case, by=alice)
    units = list(Commission.objects.filter(code__in=DESK_ANSWERS))
    workflow.transition(application=case, action=workflow.Action.ROUTE, by=_staff(program.lead), units=units)
    for task in ReviewTask.objects.filter(application=case, kind=TaskKind.DESK_ANSWER, state=TaskState.OPEN):
        services.answer_give(
            task=task,
            by=_staff(task.commission),
            answer=DESK_ANSWERS[task.commission.code],
            internal_note="Demo: checked with the port office." if task.commission.code == "CUSTOMS" else "",
        )


# --- projects after the award, walked to every state through the services (issue 15) -------------------------

DEMO_STATEMENT = {
    "goals": "完成产品注册检验与临床评价，实现在本市产业化。 Complete type testing and the clinical evaluation, and "
    "manufacture the product in Shanghai.",
    "lead": {"name": "王敏 Wang Min", "phone": "021-5080 1234", "email": "wang.min@example.com"},
    "indicators": [
        {"name": "注册检验报告 Type-test reports", "unit": "份 reports", "target": "2"},
        {"name": "临床评价病例 Clinical cases", "unit": "例 cases", "target": "120"},
    ],
}


def _demo_statement(project, by):
    from awards.projects import statements

    today = timezone.localdate()
    milestones = [
        {"label": "中期：注册检验完成 Mid-term: type testing done", "due_on": (today + timedelta(days=90)).isoformat()},
        {
            "label": "结题：临床评价完成 End: clinical evaluation done",
            "due_on": (today + timedelta(days=300)).isoformat(),
        },
    ]
    statements.statement_save(project=project, by=by, content={**DEMO_STATEMENT, "milestones": milestones})
    statements.statement_submit(project=project, by=by)


def _demo_projects(awards):
    """Each award's project to a state of its own, so every role finds a project to work on (see FIRST_STEPS)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from awards.projects import acceptance, clawbacks, documents, instalments, progress, statements
    from awards.projects.models import AcceptanceOutcome, DocumentKind, Project

    finance, expert, today = (
        User.objects.get(username="finance"),
        User.objects.get(username="expert"),
        timezone.localdate(),
    )

    def upload(name):
        return SimpleUploadedFile(name, DEMO_PDF, content_type="application/pdf")

    def applicant(project):
        return User.objects.filter(organisation=project.organisation, is_org_admin=True).order_by("pk").first()

    projects = {stage: Project.objects.get(award=award) for stage, award in awards.items()}
    lead = _staff(projects["partly_paid"].program.lead)
    # letter_issued: the task statement is alice's to draft (ZJ-D01 stays as the call's template left it).
    for stage in ["partly_paid", "clawed_back", *PROJECT_STAGES]:
        _demo_statement(projects[stage], applicant(projects[stage]))
    statements.statement_return(
        project=projects["statement_returned"],
        by=lead,
        reason="Demo: give each indicator its unit and the month it is reached.",
    )
    running = ["partly_paid", "clawed_back", "acceptance_applied", "acceptance_panel", "passed"]
    running += ["passed_with_conditions", "failed"]
    for stage in running:
        project = projects[stage]
        statements.statement_accept(project=project, by=lead)
        first = project.instalments.get(number=1)
        instalments.instalment_pay(instalment=first, by=finance, paid_on=today, reference=f"DEMO-{project.pk}-1")
    # partly_paid: the first progress report is filed and waits for the lead.
    report = projects["partly_paid"].reports.get(number=1)
    documents.evidence_add(report=report, upload=upload("type-test-report.pdf"), by=applicant(report.project))
    progress.report_file(
        report=report,
        by=applicant(report.project),
        values={"i1": "1", "i2": "0"},
        narrative="Demo: type testing passed.",
    )
    for stage in running[1:]:
        project = projects[stage]
        by = applicant(project)
        for report in project.reports.order_by("number"):
            documents.evidence_add(report=report, upload=upload(f"evidence-{report.key}.pdf"), by=by)
            progress.report_file(report=report, by=by, values={"i1": "2", "i2": "126"}, narrative="Demo: on plan.")
            progress.report_accept(report=report, by=lead)
        for kind in (DocumentKind.FINAL_REPORT, DocumentKind.AUDIT_REPORT):
            documents.acceptance_document_add(project=project, kind=kind, upload=upload(f"{kind}.pdf"), by=by)
        acceptance.acceptance_apply(
            project=project,
            by=by,
            summary="Demo: both type tests passed and 126 clinical cases evaluated.",
            audited_spending=str(project.award.amount),
            achieved={"i1": "2", "i2": "126"},
        )
    acceptance.panel_send(project=projects["acceptance_panel"], by=lead, experts=[expert])
    acceptance.acceptance_decide(
        project=projects["passed"], by=lead, outcome=AcceptanceOutcome.PASSED, reasons="Demo: every indicator is met."
    )
    last = projects["passed"].instalments.order_by("-number").first()
    instalments.instalment_pay(instalment=last, by=finance, paid_on=today, reference=f"DEMO-{last.project_id}-2")
    acceptance.acceptance_decide(
        project=projects["passed_with_conditions"],
        by=lead,
        outcome=AcceptanceOutcome.PASSED_WITH_CONDITIONS,
        reasons="Demo: the indicators are met; the registration certificate is still to file.",
        conditions="File the registration certificate within three months.",
    )
    for stage in ("failed", "clawed_back"):
        acceptance.acceptance_decide(
            project=projects[stage],
            by=lead,
            outcome=AcceptanceOutcome.FAILED,
            reasons="Demo: the clinical evaluation was not done.",
        )
    proposal = Project.objects.get(pk=projects["clawed_back"].pk).clawback_proposal
    clawbacks.proposal_amend(
        proposal=proposal,
        by=lead,
        amount=proposal.amount // 2,
        reason="Demo: the project was scaled down; the unspent half is recovered.",
    )
    clawbacks.repayment_record(proposal=proposal, by=finance)


# --- the registers: a hospital's research beds, the foreign-aid catalogue with a valid and a removed entry ---------

BEDS = "BIO21-CLINICAL-RESEARCH-BEDS"
AID = "INTL24-FOREIGN-AID-CATALOGUE"
# (title, organisation index, product key, fate) in the foreign-aid catalogue
AID_ENTRIES = [
    ("ZJ-V10 便携式呼吸机 (portable ventilator)", 0, "国械注准20243080101", "valid"),
    ("CH-K20 血液透析设备 (haemodialysis unit)", 1, "国械注准20233100202", "removed"),
    ("ZJ-O30 医用制氧机 (oxygen concentrator)", 0, "沪械注准20242080303", "on_notice"),
]


def _recognition_filed(call, organisation, title, facts, *, at=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications import filing, workflow

    applicant = User.objects.filter(organisation=organisation, is_org_admin=True).order_by("pk").first()
    application = filing.application_create(
        call=call, track=call.program.tracks.get(), title=title, by=applicant, at=at
    )
    filing.application_save_draft(application=application, title=title, draft_facts=facts, by=applicant)
    for document in call.program.tracks.get().document_types:
        upload = SimpleUploadedFile(f"{document['code']}.pdf", DEMO_PDF, content_type="application/pdf")
        filing.attachment_add(application=application, document_type=document["code"], upload=upload, by=applicant)
    # The moment of filing is the one the call was open at (filing.submit_effect takes it).
    return workflow.transition(application=application, action=workflow.Action.SUBMIT, by=applicant, at=at)


def _recognition_approved(application):
    from applications import workflow

    _reviewed(_to_department_review(application))
    officer = _staff(application.call.program.lead)
    return workflow.transition(
        application=application, action=workflow.Action.APPROVE, by=officer, reason="Demo: meets the clause."
    )


def _demo_registers(organisations):
    from applications.models import Application
    from awards import register_notice
    from awards.certificates import certificate_issue
    from awards.models import RegisterEntry
    from awards.register import entry_remove

    if Application.objects.filter(title=AID_ENTRIES[-1][0]).exists():
        return
    # The hospital's beds, filed while policy A was in force.
    beds = Program.objects.get(code=BEDS)
    filed_at = _at(date(2024, 5, 15), 10)
    beds_call = call_create(
        program=beds,
        year=2024,
        title_en="2024 call: identified clinical research beds",
        title_zh="2024年度临床研究床位认定申报",
        opens_at=_at(date(2024, 5, 6)),
        closes_at=_at(date(2024, 5, 31), 17),
    )
    hospital = _recognition_approved(
        _recognition_filed(
            beds_call,
            organisations[2],
            "东院区临床研究病房 (clinical research wards, East campus)",
            {"research_beds": "36"},
            at=filed_at,
        )
    )
    today = timezone.localdate()
    aid = Program.objects.get(code=AID)
    aid_call = call_create(
        program=aid,
        year=today.year,
        title_en=f"{today.year} call: recommendation into the foreign-aid equipment catalogue",
        title_zh=f"{today.year}年度援外成套项目设备材料和产品推荐目录申报",
        opens_at=_at(today - timedelta(days=10)),
        closes_at=_at(today + timedelta(days=20), 17),
        max_applications_per_applicant=3,
    )
    made = {}
    for title, org, key, fate in AID_ENTRIES[:2]:
        made[fate] = _recognition_approved(
            _recognition_filed(aid_call, organisations[org], title, {"product_key": key, "made_in_shanghai": "true"})
        )
    for call in (beds_call, aid_call):
        register_notice.register_notice_publish(call=call, by=_staff(call.program.lead))
    # No objection came: closed as the beat would the day after the notices end (see the module's docstring).
    ends = RegisterEntry.objects.filter(call__in=[beds_call, aid_call]).values_list("notice_until", flat=True)
    register_notice.register_notices_close(today=max(ends) + timedelta(days=1))
    for application in (hospital, made["valid"], made["removed"]):
        certificate_issue(decision_id=application.decisions.first().pk)  # what the queued task runs
    entry_remove(
        entry=RegisterEntry.objects.get(application=made["removed"]),
        by=_staff(aid.lead),
        reason="Demo: production moved outside Shanghai, so the device no longer meets the measure.",
    )
    # One more on notice now: its notice runs for real, and anyone may object on the notices page.
    title, org, key, _fate = AID_ENTRIES[2]
    _recognition_approved(
        _recognition_filed(aid_call, organisations[org], title, {"product_key": key, "made_in_shanghai": "true"})
    )
    register_notice.register_notice_publish(call=aid_call, by=_staff(aid.lead))

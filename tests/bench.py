"""`make bench`: prints benchmark figures (speed targets live here, not in timed tests).

Runs against the development database after `load_catalogue`.
"""

import logging
import os
import statistics
import time
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("ESTIMATE_THROTTLE", "1000000/minute")

import django

django.setup()

from django.test import Client  # noqa: E402

from applications.models import Track  # noqa: E402
from awards.engine import Context, compute  # noqa: E402
from awards.rules import rule_for  # noqa: E402


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bench_engine(n: int = 100_000) -> None:
    rules = [rule_for(t) for t in Track.objects.select_related("program").exclude(rate=None)]
    facts = {
        "rd_spending": Decimal("12345678.90"),
        "new_investment": Decimal("50000000"),
        "total_investment": Decimal("80000000"),
        "contract_amount": Decimal("9000000"),
        "sales_contract_amount": Decimal("40000000"),
        "drug_category": "chemical",
        "made_in_shanghai": True,
        "agencies": ["FDA"],
        "overseas_sales": True,
        "investment_relationship": False,
    }
    context = Context(awarded_this_year=Decimal(5_000_000), awarded_in_overlap_group=Decimal(1_000_000))
    started = time.perf_counter()
    for i in range(n):
        compute(rules[i % len(rules)], facts, context)
    elapsed = time.perf_counter() - started
    print(f"engine: {n} awards computed over {len(rules)} catalogue tracks in {elapsed:.2f} s = {n / elapsed:,.0f}/s")


def bench_estimate_api(n: int = 500) -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    body = {
        "program": "BIO21-DRUG-INNOVATIVE",
        "track": "phase_2",
        "facts": {"rd_spending": "10000000", "drug_category": "chemical", "made_in_shanghai": True},
    }
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.post("/api/v1/award-estimates/", body, content_type="application/json")
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    print(
        f"estimate API (test client, in-process): n={n} p50 {statistics.median(samples):.1f} ms, "
        f"p95 {percentile(samples, 95):.1f} ms, max {max(samples):.1f} ms"
    )


class _FallbackWatch(logging.Handler):
    """Counts WeasyPrint's warnings that HarfBuzz could not subset a font (it then falls back to the
    slow fontTools subsetter)."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.fallbacks = 0

    def emit(self, record):
        if "subset" in record.getMessage().lower():
            self.fallbacks += 1


def bench_letters(n: int = 200) -> None:
    """Render `n` two-page bilingual decision letters from snapshots (no database), as the worker does."""
    from datetime import date

    from awards.letters import capital_yuan, render_letter
    from awards.models import Letter

    watch = _FallbackWatch()
    logging.getLogger("weasyprint").addHandler(watch)
    samples = []
    started = time.perf_counter()
    for i in range(n):
        amount = Decimal(1_000_000 + 12_345 * i)
        content = {
            "commission": {
                "code": "STCSM",
                "name_zh": "上海市科学技术委员会",
                "name_en": "Municipal Science and Technology Commission",
            },
            "organisation": {"name": f"上海张江示范生物科技有限公司{i}", "uscc": "91310115MA1FL2AB3F"},
            "application": {"receipt_number": f"2026-STCSM-{i:06d}", "title": f"ZJ-{i} 注射液 II期临床"},
            "program": {
                "code": "BIO24-DRUG-INNOVATIVE",
                "title_zh": "1类创新药及细胞和基因治疗药物分阶段支持",
                "title_en": "Class 1 innovative drugs",
                "clause": "drugs",
                "track_zh": "II期临床试验",
                "track_en": "Phase 2 clinical trial",
            },
            "policy": {
                "title_zh": "关于支持生物医药产业全链条创新发展的若干意见",
                "title_en": "Several Opinions",
                "number": "沪府办规〔2024〕9号",
            },
            "call": {"title_zh": "2026年度创新药申报", "title_en": "2026 call: innovative drugs", "year": 2026},
            "outcome": "approved",
            "reasons": "",
            "award": {
                "amount": str(amount),
                "amount_figures": f"{amount:,}",
                "amount_capital": capital_yuan(amount),
                "breakdown_zh": ["40% × 研发投入（元） 30,000,000 = 12,000,000", "按条款上限 20,000,000"],
                "breakdown_en": ["40% × R&D spending (CNY) 30,000,000 = 12,000,000", "Clause cap 20,000,000"],
                "allocation": {"place": 2, "of": 5},
                "catalogue_version": "2026.11-1",
                "notice": ["2026-11-02", "2026-11-09"],
            },
        }
        letter = Letter(reference=f"STCSM-2026-{i + 1:05d}", issued_on=date(2026, 11, 23), content=content)
        one = time.perf_counter()
        render_letter(letter)
        samples.append((time.perf_counter() - one) * 1000)
    elapsed = time.perf_counter() - started
    print(
        f"letters: {n} bilingual letters in {elapsed:.1f} s = {n / elapsed:.2f} letters/s; "
        f"median {statistics.median(samples):.0f} ms, p95 {percentile(samples, 95):.0f} ms, "
        f"first {samples[0]:.0f} ms (fonts loaded); subsetting fallbacks to fontTools: {watch.fallbacks}"
    )


def bench_exports(n: int = 50_000) -> None:
    """CSV and XLSX of `n` awards, each built in a child process whose peak memory is reported; the
    awards are written for the benchmark and removed afterwards."""
    import subprocess
    import sys
    import tempfile
    from datetime import timedelta

    from django.utils import timezone

    from applications.models import Call, Program
    from portal.models import Role, User
    from tests.awards.bulk import make_awards, remove_bulk
    from tests.factories import OrganisationFactory, UserFactory, member

    now = timezone.now()
    # Codes that cannot collide with organisations an earlier run or the demo data left.
    OrganisationFactory.reset_sequence(int(time.time()) % 900_000)
    call = Call.objects.create(
        program=Program.objects.get(code="BIO24-DRUG-INNOVATIVE"),
        year=now.year,
        title_en="Benchmark call (removed afterwards)",
        title_zh="基准测试批次",
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=1),
    )
    creator = member(OrganisationFactory(), username=f"bench-{now:%H%M%S}")
    officer = User.objects.filter(role=Role.OFFICER).first() or UserFactory(role=Role.ADMIN)
    try:
        started = time.perf_counter()
        make_awards(call, n, decided_by=officer, creator=creator)
        print(f"exports: wrote {n} awards in {time.perf_counter() - started:.0f} s")
        with tempfile.TemporaryDirectory() as folder:
            for kind in ("csv", "xlsx"):
                out = f"{folder}/awards.{kind}"
                result = subprocess.run(  # noqa: S603
                    [sys.executable, "-m", "tests.bench_export", kind, str(call.pk), out],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                size = os.path.getsize(out) / 1024 / 1024
                print(f"exports: {result.stdout.strip()}; file {size:.1f} MB")
    finally:
        remove_bulk(call)
        call.delete()
        organisation = creator.organisation
        creator.delete()
        organisation.delete()


if __name__ == "__main__":
    bench_engine()
    bench_estimate_api()
    bench_letters()
    bench_exports()

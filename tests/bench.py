"""`make bench`: prints benchmark figures (speed targets live here, not in timed tests).

Runs against the development database after `load_catalogue`.
"""

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


if __name__ == "__main__":
    bench_engine()
    bench_estimate_api()

"""`make bench`: prints benchmark figures (speed targets live here, not in timed tests).

Runs against its own database (`portal_bench`: migrated, catalogue loaded, the scale data set of
tests/bench/scale_data.py generated once and kept), and prints a summary of the targets of issue 7.
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


# (what, measured, target, met or None where there is no target): the summary at the end.
SUMMARY: list[tuple[str, str, str, bool | None]] = []


def target(what: str, measured: str, goal: str, met: bool | None) -> None:
    SUMMARY.append((what, measured, goal, met))


def print_summary() -> None:
    width = max(len(w) for w, *_ in SUMMARY)
    print()
    print(f"{'summary':<{width}}  {'measured':>26}  {'target':>18}")
    for what, measured, goal, met in SUMMARY:
        verdict = "" if met is None else "PASS" if met else "MISS"
        print(f"{what:<{width}}  {measured:>26}  {goal:>18}  {verdict}")


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


def bench_letters(n: int = 100) -> None:
    """Render and seal `n` two-page bilingual decision letters from snapshots (no database), as the worker does;
    the seal's share is measured against rendering alone. The keys are a demo CA's, made in a directory of the
    benchmark's own."""
    import tempfile
    from datetime import date

    from django.conf import settings

    from awards import seal
    from awards.letters import capital_yuan, render_letter
    from awards.models import Letter
    from portal.accounts.models import Commission
    from reviews.models import DecisionOutcome

    keys = tempfile.TemporaryDirectory(prefix="bench-seal-")
    settings.SEAL_DIR = keys.name
    settings.SEAL_TRUST_ROOTS = [f"{keys.name}/{seal.DEMO_CA_FILE}"]
    commission = Commission(
        code="STCSM", name_zh="上海市科学技术委员会", name_en="Municipal Science and Technology Commission"
    )
    seal.demo_ca_ensure([commission])
    watch = _FallbackWatch()
    logging.getLogger("weasyprint").addHandler(watch)
    samples, sealed_samples = [], []
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
            "outcome": DecisionOutcome.APPROVED,
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
        pdf = render_letter(letter)
        rendered = time.perf_counter()
        seal.sign_pdf(pdf, commission=commission)
        samples.append((rendered - one) * 1000)
        sealed_samples.append((time.perf_counter() - one) * 1000)
    elapsed = time.perf_counter() - started
    rendering = sum(samples) / 1000
    print(
        f"letters: {n} bilingual letters rendered in {rendering:.1f} s = {n / rendering:.2f} letters/s; "
        f"median {statistics.median(samples):.0f} ms, p95 {percentile(samples, 95):.0f} ms, "
        f"first {samples[0]:.0f} ms (fonts loaded); subsetting fallbacks to fontTools: {watch.fallbacks}"
    )
    share = statistics.median(sealed_samples) / statistics.median(samples) - 1
    print(
        f"letters, sealed: {n} rendered and sealed in {elapsed:.1f} s = {n / elapsed:.2f} letters/s; "
        f"median {statistics.median(sealed_samples):.0f} ms, p95 {percentile(sealed_samples, 95):.0f} ms, "
        f"first {sealed_samples[0]:.0f} ms (stamp rendered); the seal adds {share:.0%} to the median"
    )
    keys.cleanup()
    target("letters per second (rendered and sealed)", f"{n / elapsed:.2f}", "", None)
    target("sealing's share of a letter's median", f"+{share:.0%}", "< +25%", share < 0.25)


def bench_exports(n: int = 100_000, runs: int = 3) -> None:
    """CSV and XLSX of `n` awards against PostgreSQL's own COPY of the same columns and rows, each in a
    child process whose peak memory is reported. The scale data's awards are topped up to `n` with
    awards written for the benchmark and removed afterwards."""
    import re
    import subprocess
    import sys
    import tempfile
    from datetime import timedelta

    from django.utils import timezone

    from applications.models import Call, Program
    from awards.models import Award
    from portal.accounts.models import Role, User
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
        missing = max(0, n - Award.objects.count())
        started = time.perf_counter()
        make_awards(call, missing, decided_by=officer, creator=creator)
        print(
            f"exports: {Award.objects.count():,} awards ({missing:,} written for the benchmark in "
            f"{time.perf_counter() - started:.0f} s)"
        )
        with tempfile.TemporaryDirectory() as folder:
            # A first COPY, not counted, warms the cache: each measured run then reads the same warm rows
            # (a cold COPY measured 3.7 s where a warm one takes 1.0 s, flattering the exports' ratios).
            subprocess.run(  # noqa: S603
                [sys.executable, "-m", "tests.bench.export", "copy", "all", f"{folder}/warm.copy"],
                capture_output=True,
                check=True,
            )
            # Each kind `runs` times, interleaved so that a slow moment of the VM hits all three alike; the
            # medians are compared (one run each swung the XLSX ratio between 4.2x and 5.2x).
            samples = {kind: [] for kind in ("copy", "csv", "xlsx")}
            for _run in range(runs):
                for kind in samples:
                    out = f"{folder}/awards.{kind}"
                    result = subprocess.run(  # noqa: S603
                        [sys.executable, "-m", "tests.bench.export", kind, "all", out],
                        capture_output=True,
                        text=True,
                        check=True,
                    )
                    line = result.stdout.strip()
                    seconds, peak = re.search(r"in ([0-9.]+) s", line)[1], re.search(r"RSS (\d+)", line)[1]
                    samples[kind].append((float(seconds), float(peak), os.path.getsize(out) / 1024 / 1024))
        median = {kind: statistics.median(s for s, _p, _m in taken) for kind, taken in samples.items()}
        peak = {kind: max(p for _s, p, _m in taken) for kind, taken in samples.items()}
        copy_s = median["copy"]
        for kind, taken in samples.items():
            ratio = "" if kind == "copy" else f" = {median[kind] / copy_s:.2f}x COPY"
            each = ", ".join(f"{s:.2f}" for s, _p, _m in taken)
            print(
                f"exports: {kind}: median {median[kind]:.2f} s{ratio} (runs: {each} s); peak RSS {peak[kind]:.0f} MB; "
                f"file {taken[-1][2]:.1f} MB"
            )
        for kind in ("csv", "xlsx"):
            seconds = median[kind]
            target(f"{kind.upper()} export of {n:,} awards (s)", f"{seconds:.2f} ({seconds / copy_s:.2f}x COPY)",
                   f"<= 5x COPY {copy_s:.2f}", seconds <= 5 * copy_s)  # fmt: skip
            target(f"{kind.upper()} export peak RSS (MB)", f"{peak[kind]:.0f}", "", None)
    finally:
        remove_bulk(call)
        call.delete()
        organisation = creator.organisation
        creator.delete()
        organisation.delete()


# --- pages on the scale data set --------------------------------------------------------------------


def _timed_gets(client, url: str, n: int) -> list[float]:
    from django.test.utils import override_settings

    # As in production: no query log kept per request (DEBUG off changes nothing else these pages use).
    with override_settings(DEBUG=False):
        for _ in range(10):  # warm: templates compiled, translations loaded, connection open
            client.get(url)
        samples = []
        for _ in range(n):
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    return samples


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def bench_pages(n: int = 200) -> None:
    """The officer's review queue and the organisation's dashboard against a bare view (same middleware,
    session and user, one indexed query), each for the user with the most data and one with little."""
    from django.db.models import Count
    from django.test.utils import override_settings

    from portal.accounts.models import Organisation, User
    from reviews.models import ReviewTask, TaskState

    open_tasks = (
        ReviewTask.objects.filter(state=TaskState.OPEN, commission__staff__username__startswith="scale-")
        .values_list("commission_id")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n")
    )
    (big_commission, big_tasks), *_rest, (small_commission, small_tasks) = list(open_tasks)
    organisations = (
        Organisation.objects.filter(uscc__regex=r"^.{8}MB")
        .annotate(n=Count("applications"))
        .filter(n__gt=0)
        .order_by("-n", "pk")
    )
    big_org, small_org = organisations.first(), organisations.order_by("n", "pk").first()

    def first(**where):
        return User.objects.filter(username__startswith="scale-", **where).order_by("username").first()

    people = {
        "queue": [
            (first(commission_id=big_commission), big_tasks),
            (first(commission_id=small_commission), small_tasks),
        ],
        "dashboard": [(first(organisation=big_org), big_org.n), (first(organisation=small_org), small_org.n)],
    }
    urls = {"queue": "/review/queue/", "dashboard": "/applications/"}
    with override_settings(ROOT_URLCONF="tests.bench.urls"):
        for page, ((heavy, heavy_rows), (light, light_rows)) in people.items():
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(heavy)
            url = urls[page]
            page_ms = _timed_gets(client, url, n)
            bare_ms = _timed_gets(client, "/bench/bare/", n)
            counts = []
            for user in (heavy, light):
                client.force_login(user)
                counts.append((_queries(client, url), _queries(client, "/bench/bare/")))
            p50, p95 = statistics.median(page_ms), percentile(page_ms, 95)
            b50, b95 = statistics.median(bare_ms), percentile(bare_ms, 95)
            print(
                f"{page} page ({heavy.username}, {heavy_rows:,} rows): p50 {p50:.1f} ms, p95 {p95:.1f} ms | "
                f"bare view p50 {b50:.1f} ms, p95 {b95:.1f} ms | ratio p50 {p50 / b50:.1f}x, p95 {p95 / b95:.1f}x"
            )
            print(
                f"{page} page queries per request: {counts[0][0]} for {heavy.username} ({heavy_rows:,} rows), "
                f"{counts[1][0]} for {light.username} ({light_rows:,} rows); bare view {counts[0][1]}"
            )
            target(f"{page} p95 (ms)", f"{p95:.1f} ({p95 / b95:.1f}x bare)", "< 150", p95 < 150)
            target(
                f"{page} queries, {heavy_rows:,} vs {light_rows:,} rows",
                f"{counts[0][0]} vs {counts[1][0]}",
                "equal",
                counts[0][0] == counts[1][0],
            )


def bench_health(n: int = 500) -> None:
    """Readiness (/healthz: database, Redis, the worker's heartbeat) and liveness (/healthz/live) against a
    trivial view, anonymous as a load balancer's probe. A heartbeat is written first: the timing is the
    point, and no worker needs to run for it."""
    from django.test.utils import override_settings

    from portal.health import record_heartbeat

    record_heartbeat(worker="bench")
    urls = ("/bench/trivial/", "/healthz", "/healthz/live")
    timings = {url: [] for url in urls}
    with override_settings(ROOT_URLCONF="tests.bench.urls"):
        client = Client(HTTP_HOST="127.0.0.1")
        for _ in range(10):  # interleaved rounds: a busy moment of the machine weighs on all three alike
            for url in urls:
                timings[url] += _timed_gets(client, url, n // 10)
    t50, t95 = statistics.median(timings["/bench/trivial/"]), percentile(timings["/bench/trivial/"], 95)
    for url in ("/healthz", "/healthz/live"):
        p50, p95 = statistics.median(timings[url]), percentile(timings[url], 95)
        print(
            f"{url}: p50 {p50:.2f} ms, p95 {p95:.2f} ms | trivial view p50 {t50:.2f} ms, p95 {t95:.2f} ms | "
            f"ratio p50 {p50 / t50:.1f}x, p95 {p95 / t95:.1f}x"
        )
        target(f"{url} p50 vs trivial view", f"{p50:.2f} ms ({p50 / t50:.1f}x)", "< 3x", p50 < 3 * t50)


# --- award computation ------------------------------------------------------------------------------


def vacuum_awards() -> None:
    """What autovacuum does in production between batches: each run of the bench deletes and writes
    thousands of awards, and without it the next run scans the dead rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE awards_award")


def bench_award_compute(n: int = 10_000) -> None:
    """`award_compute` called once per approval in one process, as one worker runs the tasks, over `n`
    approvals of the scale data: their computed, not yet published awards are removed and computed
    again, which leaves the data set as it was. A call's waiting approvals are computed together (up to
    `services.BATCH` a transaction), so most calls find their award made."""
    from django.test.utils import override_settings

    from applications.models import Application, State
    from awards.models import Award, AwardState
    from awards.services import award_compute

    pending = Application.objects.filter(state=State.APPROVED, awards__isnull=True)
    computed = Award.objects.filter(state=AwardState.COMPUTED, letter__isnull=True, payments__isnull=True)
    ids = list(pending.values_list("pk", flat=True).order_by("pk")[:n])
    ids += list(computed.values_list("application_id", flat=True).order_by("application_id")[: n - len(ids)])
    if len(ids) < n:
        print(f"award computation: only {len(ids)} approvals available")
    Award.objects.filter(application_id__in=ids, state=AwardState.COMPUTED).delete()
    vacuum_awards()
    with override_settings(DEBUG=False):
        started = time.perf_counter()
        for application_id in ids:
            award_compute(application_id=application_id)
        elapsed = time.perf_counter() - started
    made = Award.objects.filter(application_id__in=ids).count()
    assert made == len(ids), (made, len(ids))
    print(
        f"award computation: {len(ids):,} approvals through award_compute in {elapsed:.1f} s = "
        f"{len(ids) / elapsed:,.0f} awards/s (one process, as one worker)"
    )
    target(f"{len(ids):,} awards computed (s)", f"{elapsed:.1f} ({len(ids) / elapsed:,.0f}/s)", "< 60", elapsed < 60)
    bench_award_worker(ids)


def bench_award_worker(ids: list[int], concurrency: int = 2) -> None:
    """The same approvals again, queued as the portal queues them (one `compute_award` task per
    approval, in approval order, calls mixed) to a real `celery worker -c 2` on the Redis broker, as
    `make run` and docker-compose start it: the figure the target is about. Timed from the first task
    sent until every award exists."""
    import subprocess
    import sys
    import tempfile
    import uuid

    from awards.models import Award, AwardState
    from awards.tasks import compute_award
    from portal.celery import app

    Award.objects.filter(application_id__in=ids, state=AwardState.COMPUTED).delete()
    vacuum_awards()
    queue, name = f"bench-awards-{uuid.uuid4().hex[:6]}", f"bench-{uuid.uuid4().hex[:6]}@localhost"
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", queue, "-c", str(concurrency)]
    with tempfile.NamedTemporaryFile("w+", suffix=".log") as log:
        worker = subprocess.Popen(  # noqa: S603
            [*command, "-n", name, "-l", "warning"], stdout=log, stderr=log
        )
        try:
            deadline = time.monotonic() + 60
            while not app.control.ping(destination=[name], timeout=0.5):
                assert worker.poll() is None and time.monotonic() < deadline, "the bench worker did not start"
            made = Award.objects.filter(application_id__in=ids)
            started = time.perf_counter()
            for application_id in ids:
                compute_award.apply_async((application_id,), queue=queue)
            sent = time.perf_counter() - started
            while (done := made.count()) < len(ids):
                assert time.perf_counter() - started < 600, f"only {done} of {len(ids)} awards after 600 s"
                time.sleep(0.25)
            elapsed = time.perf_counter() - started
            # The tasks still queued then find their award made (a batch computed it): timed as well.
            with app.connection_for_write() as connection:
                channel = connection.default_channel
                while channel.client.llen(queue):  # the Redis transport's queue is a list
                    assert time.perf_counter() - started < 600, "the queue did not drain in 600 s"
                    time.sleep(0.1)
                drained = time.perf_counter() - started
                channel.queue_delete(queue)
                channel.exchange_delete(queue)
        finally:
            worker.terminate()
            worker.wait(timeout=60)
    print(
        f"award computation, celery worker -c {concurrency}: {len(ids):,} approvals in {elapsed:.1f} s = "
        f"{len(ids) / elapsed:,.0f} awards/s (sending the tasks took {sent:.1f} s of it; "
        f"the last queued task taken at {drained:.1f} s)"
    )
    target(
        f"{len(ids):,} awards computed, worker -c {concurrency} (s)",
        f"{elapsed:.1f} ({len(ids) / elapsed:,.0f}/s)",
        "< 60",
        elapsed < 60,
    )


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["health"]:  # `python -m tests.bench health`: needs no scale data set
        bench_health()
        print_summary()
        sys.exit()
    bench_engine()
    bench_estimate_api()
    bench_pages()
    bench_health()
    bench_award_compute()
    bench_exports()
    bench_letters()
    print_summary()

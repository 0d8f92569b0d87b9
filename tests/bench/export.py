"""Child process of `make bench`: builds one award export of a call and prints its rows, time and the
peak resident memory of this process (run separately so the figure is the export's alone)."""

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django

django.setup()

from pathlib import Path  # noqa: E402

from awards.exports import csv_lines, write_xlsx  # noqa: E402
from awards.models import Award  # noqa: E402


def high_water_mb() -> float:
    """This process's peak resident memory since exec (VmHWM; getrusage's figure would include the
    parent's, which Linux carries across exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main(kind: str, which: str, out: str) -> None:
    """`which`: a call's id, or `all` for every award."""
    queryset = Award.objects.all() if which == "all" else Award.objects.filter(call_id=int(which))
    before = high_water_mb()
    started = time.perf_counter()
    if kind == "csv":
        rows = -2  # the BOM and the header
        with open(out, "w", encoding="utf-8") as handle:
            for line in csv_lines(queryset):
                handle.write(line)
                rows += 1
    elif kind == "copy":
        rows = copy_rows(queryset, out)
    else:
        rows = write_xlsx(queryset, Path(out))
    elapsed = time.perf_counter() - started
    peak = high_water_mb()
    print(f"{kind}: {rows} rows in {elapsed:.3f} s; peak RSS {peak:.0f} MB (Django loaded: {before:.0f} MB)")


def copy_rows(queryset, out: str) -> int:
    """The floor for an export: PostgreSQL writes the same columns of the same rows as CSV itself."""
    from django.db import connection

    from awards.reports import COLUMNS

    sql, params = queryset.order_by("pk").values_list(*[key for key, _en, _zh in COLUMNS]).query.sql_with_params()
    rows = -1  # the header
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)"
    with connection.cursor() as cursor, open(out, "wb") as handle, cursor.cursor.copy(statement, params) as copy:
        for chunk in copy:
            handle.write(chunk)
            rows += bytes(chunk).count(b"\n")
    return rows


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])

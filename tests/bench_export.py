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


def main(kind: str, call_id: int, out: str) -> None:
    queryset = Award.objects.filter(call_id=call_id)
    before = high_water_mb()
    started = time.perf_counter()
    if kind == "csv":
        rows = -2  # the BOM and the header
        with open(out, "w", encoding="utf-8") as handle:
            for line in csv_lines(queryset):
                handle.write(line)
                rows += 1
    else:
        rows = write_xlsx(queryset, Path(out))
    elapsed = time.perf_counter() - started
    peak = high_water_mb()
    print(f"{kind}: {rows} rows in {elapsed:.1f} s; peak RSS {peak:.0f} MB (Django loaded: {before:.0f} MB)")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])

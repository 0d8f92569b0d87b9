"""Child process of `make bench`: builds one award export of a call and prints its rows, time and the
peak resident memory of this process (run separately so the figure is the export's alone)."""

import os
import resource
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django

django.setup()

from pathlib import Path  # noqa: E402

from awards.exports import csv_lines, write_xlsx  # noqa: E402
from awards.models import Award  # noqa: E402


def main(kind: str, call_id: int, out: str) -> None:
    queryset = Award.objects.filter(call_id=call_id)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
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
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"{kind}: {rows} rows in {elapsed:.1f} s; peak RSS {peak / 1024:.0f} MB (Django loaded: {before / 1024:.0f} MB)"
    )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])

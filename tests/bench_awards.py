"""Child process of `make bench`: computes the awards of the application ids in a file, as one worker
process would (one transaction per approval), and prints how long it took."""

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django

django.setup()

from awards.services import award_compute  # noqa: E402


def main(path: str) -> None:
    with open(path) as handle:
        ids = [int(line) for line in handle if line.strip()]
    started = time.perf_counter()
    for application_id in ids:
        award_compute(application_id=application_id)
    print(f"{len(ids)} awards in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1])

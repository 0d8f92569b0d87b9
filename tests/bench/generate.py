"""`make bench`'s data set: thousands of organisations and applications in every state (tests/bench/scale_data.py).

`python -m tests.bench.generate [--if-missing | --reset | --wipe]`: a command of the bench, not of the portal, so
neither the web nor the worker ever imports the generator."""

import os
import sys
import time

import django

# Run as `python -m tests.bench.generate`, nothing has set Django up yet (a no-op under pytest or manage.py).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.core.management.base import BaseCommand, CommandError  # noqa: E402

from tests.bench import scale_data  # noqa: E402


class Command(BaseCommand):
    help = "Generate a realistic data set at scale (organisations, applications, review tasks, awards, letters)."

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=int, default=5000)
        parser.add_argument("--applications", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--reset", action="store_true", help="remove the generated data first")
        parser.add_argument("--if-missing", action="store_true", help="do nothing when generated data is present")
        parser.add_argument("--wipe", action="store_true", help="only remove the generated data")

    def handle(self, *args, organisations, applications, seed, reset, if_missing, wipe, **options):
        present = scale_data.exists()
        if wipe or (reset and present):
            started = time.perf_counter()
            scale_data.wipe()
            self.stdout.write(f"removed the generated data in {time.perf_counter() - started:.0f} s")
            if wipe:
                return
        elif present:
            if if_missing:
                self.stdout.write("scale data already present; kept")
                return
            raise CommandError("scale data is already present: --reset to generate it again, --if-missing to keep it")
        started = time.perf_counter()
        try:
            counts = scale_data.generate(
                organisations=organisations,
                applications=applications,
                seed=seed,
                log=lambda line: self.stdout.write(line) if options["verbosity"] else None,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        states = ", ".join(f"{state} {n}" for state, n in sorted(counts.states.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"generated in {time.perf_counter() - started:.0f} s: {counts.organisations} organisations, "
                f"{counts.users} users, {counts.calls} calls, {counts.applications} applications ({states}), "
                f"{counts.versions} versions, {counts.tasks} review tasks, {counts.decisions} decisions, "
                f"{counts.awards} awards, {counts.letters} letters, {counts.events} audit events"
            )
        )


if __name__ == "__main__":
    Command().run_from_argv(["manage.py", "generate_scale_data", *sys.argv[1:]])

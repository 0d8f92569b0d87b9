from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from applications.catalogue import load_catalogue
from portal.errors import PortalError


class Command(BaseCommand):
    help = "Load the policy catalogue file into the database (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, help="catalogue file (default: settings.CATALOGUE_PATH)")

    def handle(self, *args, file=None, **options):
        try:
            report = load_catalogue(file)
        except PortalError as error:
            raise CommandError(
                "the catalogue was not loaded:\n  " + "\n  ".join(map(str, error.errors[None]))
            ) from None
        self.stdout.write(str(report))

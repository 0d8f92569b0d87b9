"""`manage.py seal_demo_ca`: the demo certificate authority and a seal key for every commission, in SEAL_DIR.

Made on the first start only (`make run` calls it after loading the catalogue); keys already there are kept, so
letters sealed before still validate. Never for production: a SEAL_DIR holding real keys is refused."""

from django.core.management.base import BaseCommand, CommandError

from awards import seal
from portal.accounts.models import Commission


class Command(BaseCommand):
    help = "Create the demo seal CA and one seal key per commission in SEAL_DIR, where missing."

    def handle(self, *args, **options):
        try:
            made = seal.demo_ca_ensure(Commission.objects.order_by("code"))
        except seal.SealUnavailable as error:
            raise CommandError(str(error)) from error
        if made:
            self.stdout.write(f"demo seal keys made in {seal.seal_dir()}: {', '.join(made)}")

import json
import sys

from django.core.management.base import BaseCommand
from django.utils import translation

from awards.estimates import estimate_from_payload
from portal.errors import PortalError


class Command(BaseCommand):
    help = "Estimate what a program would pay for the given facts; prints the JSON of POST /api/v1/award-estimates/."

    def add_arguments(self, parser):
        parser.add_argument("--program", required=True)
        parser.add_argument("--track", default="")
        parser.add_argument("--facts", required=True, help='JSON object, e.g. \'{"rd_spending": "10000000", ...}\'')
        parser.add_argument("--awarded-this-year", default="0")
        parser.add_argument("--awarded-in-overlap-group", default="0")
        parser.add_argument("--call-budget-left", default=None)
        parser.add_argument("--language", default="en", choices=["en", "zh-hans"])

    def handle(self, *args, **options):
        try:
            facts = json.loads(options["facts"])
        except json.JSONDecodeError as error:
            self._fail({"facts": [f"not valid JSON: {error}"], "code": "invalid"})
            return
        payload = {
            "program": options["program"],
            "track": options["track"],
            "facts": facts,
            "context": {
                "awarded_this_year": options["awarded_this_year"],
                "awarded_in_overlap_group": options["awarded_in_overlap_group"],
                "call_budget_left": options["call_budget_left"],
            },
        }
        with translation.override(options["language"]):
            try:
                answer = estimate_from_payload(payload)
            except PortalError as error:
                self._fail(error.as_api_data())
                return
        self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))

    def _fail(self, data: dict) -> None:
        self.stderr.write(json.dumps(data, ensure_ascii=False, indent=2))
        sys.exit(2)

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.portal.test_amounts import TYPED

FACTS = (
    '{"rd_spending": "10000000", "drug_category": "tcm", "class_1": true, "made_in_shanghai": true, '
    '"milestone_date": "2023-03-01"}'
)


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("estimate_award", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_cli_prints_the_same_json_as_the_api(catalogue):
    out, _err = run(
        "--program",
        "BIO21-DRUG-INNOVATIVE",
        "--track",
        "phase_2",
        "--facts",
        FACTS,
        "--awarded-this-year",
        "97000000",
        "--call-budget-left",
        "2500000",
    )
    api = (
        APIClient()
        .post(
            "/api/v1/award-estimates/",
            {
                "program": "BIO21-DRUG-INNOVATIVE",
                "track": "phase_2",
                "facts": json.loads(FACTS),
                "context": {"awarded_this_year": "97000000", "call_budget_left": "2500000"},
            },
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        .json()
    )
    assert json.loads(out) == api
    assert api["amount"] == "2500000"


def test_cli_malformed_input_prints_field_errors_and_exits_2(catalogue):
    with pytest.raises(SystemExit) as exit_:
        run("--program", "BIO21-DRUG-INNOVATIVE", "--track", "phase_2", "--facts", '{"rd_spending": "-1"}')
    assert exit_.value.code == 2


@pytest.mark.parametrize(
    "args",
    [
        ["--program", "NOPE", "--facts", FACTS],
        ["--program", "BIO21-DRUG-INNOVATIVE", "--track", "phase_2", "--facts", "{broken"],
        ["--program", "BIO21-DRUG-INNOVATIVE", "--track", "phase_2", "--facts", FACTS, "--awarded-this-year", "x"],
    ],
)
def test_cli_refuses_bad_arguments_with_json(catalogue, args, capsys):
    from io import StringIO

    err = StringIO()
    with pytest.raises(SystemExit):
        call_command("estimate_award", *args, stdout=StringIO(), stderr=err)
    assert "code" in json.loads(err.getvalue())


@pytest.mark.parametrize(("typed", "outcome"), TYPED.items())
def test_cli_amounts_follow_the_one_money_rule(catalogue, typed, outcome):
    args = ["--program", "BIO21-DRUG-INNOVATIVE", "--track", "phase_2", "--facts", FACTS]
    if isinstance(outcome, Decimal):
        out, _err = run(*args, "--awarded-this-year", typed)
        assert json.loads(out)["eligible"] is True
        typed_fact, plain_fact = ({**json.loads(FACTS), "rd_spending": v} for v in (typed, str(outcome)))
        assert run(*args[:-1], json.dumps(typed_fact)) == run(*args[:-1], json.dumps(plain_fact))
    else:
        with pytest.raises(SystemExit):
            run(*args, "--awarded-this-year", typed)

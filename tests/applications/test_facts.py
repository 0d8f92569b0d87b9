"""The facts codec (applications/facts.py): as typed -> typed (`parse`), typed -> stored JSON (`dump`),
stored JSON -> typed (`load`), and a refused value that leaves nothing saved."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.http import QueryDict

from applications import facts as facts_codec
from applications import filing
from applications.facts import FactsForm
from applications.models import ApplicationVersion, AuditEvent, State, Track
from portal.errors import ErrorCode, PortalError
from tests.filings import DRUG_FACTS, make_draft

DRUG = [
    {"name": "rd_spending", "kind": "money", "label_en": "R&D", "label_zh": "研发"},
    {"name": "made_in_shanghai", "kind": "bool", "label_en": "Made here", "label_zh": "本市"},
    {
        "name": "indications",
        "kind": "multichoice",
        "label_en": "Indications",
        "label_zh": "适应症",
        "choices": [{"value": "oncology"}, {"value": "rare"}],
    },
    {"name": "milestone_date", "kind": "date", "label_en": "Milestone", "label_zh": "节点"},
    {"name": "declared_sales", "kind": "money", "optional": True, "label_en": "Sales", "label_zh": "销售"},
]


def as_typed(definition: dict, *, optional_given: bool):
    """A valid answer to one fact, as the form posts it."""
    kind = definition["kind"]
    if definition.get("optional") and not optional_given:
        return [] if kind == "multichoice" else ""
    return {
        "money": "1250000.50",
        "bool": "true",
        "choice": (definition.get("choices") or [{"value": ""}])[0]["value"],
        "multichoice": [c["value"] for c in definition.get("choices", [])[:2]],
        "date": "2024-09-15",
        "text": "CXHL2400123",
        "count": "12",
    }[kind]


def test_parse_types_what_was_typed():
    typed = facts_codec.parse(
        DRUG,
        {
            "rd_spending": "１２５００００",
            "made_in_shanghai": "false",
            "indications": ["rare"],
            "milestone_date": "2024-09-15",
        },
    )
    assert typed == {
        "rd_spending": Decimal("1250000"),
        "made_in_shanghai": False,
        "indications": ["rare"],
        "milestone_date": date(2024, 9, 15),
        "declared_sales": None,
    }


@pytest.mark.parametrize("optional_given", [True, False])
def test_every_track_round_trips_through_dump_and_load(catalogue, optional_given):
    tracks = list(Track.objects.select_related("program"))
    assert tracks
    for track in tracks:
        schema = track.fact_schema
        typed = facts_codec.parse(schema, {d["name"]: as_typed(d, optional_given=optional_given) for d in schema})
        stored = json.loads(json.dumps(facts_codec.dump(typed)))  # what jsonb gives back
        assert facts_codec.load(schema, stored) == typed, str(track)
        assert facts_codec.dump(facts_codec.load(schema, stored)) == stored, str(track)


def test_a_count_is_a_whole_number_stored_as_a_json_number():
    beds = [{"name": "research_beds", "kind": "count", "min": 1, "label_en": "Beds", "label_zh": "床位"}]
    typed = facts_codec.parse(beds, {"research_beds": "24"})
    assert typed == {"research_beds": 24} and facts_codec.dump(typed) == {"research_beds": 24}
    assert facts_codec.load(beds, {"research_beds": 24}) == typed
    for wrong in ("0", "2.5", "many", "-3"):
        with pytest.raises(PortalError) as error:
            facts_codec.parse(beds, {"research_beds": wrong})
        assert "research_beds" in error.value.errors["facts"], wrong
    with pytest.raises(PortalError):
        facts_codec.load(beds, {"research_beds": True})


def test_dump_leaves_out_what_was_not_answered_and_writes_plain_json():
    stored = facts_codec.dump(
        {"rd_spending": Decimal("10.50"), "made_in_shanghai": True, "milestone_date": date(2024, 9, 15), "x": None}
    )
    assert stored == {"rd_spending": "10.50", "made_in_shanghai": True, "milestone_date": "2024-09-15"}


def test_the_form_posts_under_the_one_prefix_and_reads_back_as_typed():
    html = str(FactsForm(DRUG))
    for definition in DRUG:
        assert f'name="{facts_codec.input_name(definition["name"])}"' in html
    post = QueryDict(mutable=True)
    post.update({"facts-rd_spending": "10", "facts-made_in_shanghai": "true", "rd_spending": "not a fact input"})
    post.setlist("facts-indications", ["oncology", "rare"])
    assert facts_codec.values_from_post(DRUG, post) == {
        "rd_spending": "10",
        "made_in_shanghai": "true",
        "indications": ["oncology", "rare"],
        "milestone_date": "",
        "declared_sales": "",
    }


def test_parse_refuses_with_each_facts_errors():
    with pytest.raises(PortalError) as error:
        facts_codec.parse(DRUG, {"rd_spending": "lots", "made_in_shanghai": "maybe", "indications": ["rare"]})
    assert error.value.code == ErrorCode.INVALID
    assert set(error.value.errors["facts"]) == {"rd_spending", "made_in_shanghai", "milestone_date"}
    assert all(error.value.errors["facts"][name] for name in error.value.errors["facts"])


def test_load_refuses_what_only_json_gets_wrong_before_the_form_judges():
    with pytest.raises(PortalError) as error:
        facts_codec.load(
            DRUG,
            {
                "rd_spending": "lots",
                "made_in_shanghai": "true",
                "indications": [],
                "milestone_date": "2024-09-15",
                "x": 1,
            },
        )
    # The JSON errors alone: a string where true/false belongs, a name the program does not have.
    assert set(error.value.errors["facts"]) == {"made_in_shanghai", "x"}
    with pytest.raises(PortalError) as error:
        facts_codec.load(DRUG, ["rd_spending"])
    assert set(error.value.errors["facts"]) == {None}


def test_load_drops_only_what_it_is_told_to():
    stored = {"rd_spending": "10", "made_in_shanghai": True, "indications": [], "milestone_date": "2024-09-15"}
    assert facts_codec.load(DRUG, {**stored, "product_key": "K"}, ignored=("product_key",))["rd_spending"] == 10
    assert "gone" not in facts_codec.load(DRUG, {**stored, "gone": "a fact the catalogue dropped"}, drop_unknown=True)
    with pytest.raises(PortalError) as error:
        facts_codec.load(DRUG, {**stored, "gone": 1, "rd_spending": "-1"}, drop_unknown=True)
    assert set(error.value.errors["facts"]) == {"rd_spending"}


def test_a_value_that_cannot_be_stored_leaves_the_draft_as_it_was(filing_call, alice):
    application = make_draft(filing_call, alice, documents=False)
    before = (application.title, application.draft_facts, application.estimated_amount)
    with pytest.raises(PortalError) as error:
        filing.application_save_draft(
            application=application, title="Renamed", draft_facts={**DRUG_FACTS, "rd_spending": "1\x00"}, by=alice
        )
    assert set(error.value.errors["facts"]) == {"rd_spending"}
    application.refresh_from_db()
    assert (application.title, application.draft_facts, application.estimated_amount) == before


def test_a_refused_fact_at_submission_freezes_nothing(filing_call, alice):
    application = make_draft(filing_call, alice, facts={**DRUG_FACTS, "rd_spending": "lots"})
    with pytest.raises(PortalError) as error:
        filing.application_submit(application=application, by=alice)
    assert error.value.code == ErrorCode.INVALID and set(error.value.errors["facts"]) == {"rd_spending"}
    application.refresh_from_db()
    assert (application.state, application.receipt_number, application.current_version) == (State.DRAFT, None, None)
    assert not ApplicationVersion.objects.filter(application=application).exists()
    assert not AuditEvent.objects.filter(application=application).exists()

"""The public page "What could my project receive?": plain forms, both languages."""

from decimal import Decimal

import pytest

from tests.portal.test_amounts import TYPED

PAGE = "/estimate/"
DRUG_Q = "?measure=BIO21-DRUG-INNOVATIVE:phase_2"


def facts(**overrides):
    data = {
        "facts-rd_spending": "10000000",
        "facts-drug_category": "chemical",
        "facts-class_1": "true",
        "facts-made_in_shanghai": "true",
        "facts-milestone_date": "2023-03-01",  # policy A ended on 2024-05-31
        "context-awarded_this_year": "",
        "context-awarded_in_overlap_group": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("language", "heading"), [("zh-hans", "我的项目可获得多少资助"), ("en", "What could my project receive?")]
)
def test_page_speaks_both_languages(client, catalogue, language, heading):
    client.cookies["django_language"] = language
    response = client.get(PAGE)
    assert response.status_code == 200
    assert heading in response.content.decode()


def test_default_language_is_chinese(client, catalogue):
    assert "我的项目可获得多少资助" in client.get(PAGE).content.decode()


def test_choosing_a_measure_shows_its_questions_from_the_catalogue(client, catalogue):
    client.cookies["django_language"] = "en"
    page = client.get(PAGE + DRUG_Q).content.decode()
    assert "R&amp;D spending (CNY)" in page
    assert "Drug category" in page
    assert 'name="facts-made_in_shanghai"' in page
    assert "product_key" not in page  # only a filing needs the identifier


def test_estimate_shows_the_amount_and_its_breakdown(client, catalogue):
    client.cookies["django_language"] = "en"
    page = client.post(PAGE + DRUG_Q, facts()).content.decode()
    assert "¥4,000,000" in page
    assert "40% × R&amp;D spending (CNY) 10,000,000 = 4,000,000" in page


def test_chinese_estimate_page_reads_in_chinese(client, catalogue):
    client.cookies["django_language"] = "zh-hans"
    page = client.post(PAGE + DRUG_Q, facts(**{"facts-rd_spending": "90000000"})).content.decode()
    assert "¥10,000,000" in page
    assert "研发投入（元）" in page
    assert "III.1" in page


def test_wrong_field_shows_its_error_and_no_amount(client, catalogue):
    client.cookies["django_language"] = "en"
    response = client.post(PAGE + DRUG_Q, facts(**{"facts-rd_spending": "-3"}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "An amount cannot be negative." in page
    assert "Estimated award" not in page


def test_ineligible_answer_says_why(client, catalogue):
    client.cookies["django_language"] = "en"
    page = client.post(PAGE + DRUG_Q, facts(**{"facts-made_in_shanghai": "false"})).content.decode()
    assert "Not eligible as answered" in page
    assert "made in Shanghai" in page


def test_unknown_measure_is_a_form_error_not_a_500(client, catalogue):
    client.cookies["django_language"] = "en"
    response = client.get(PAGE + "?measure=NOPE:x")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_page_lists_every_track_with_one_query_per_table(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        page = client.get(PAGE).content.decode()
    assert page.count('value="BIO21-DRUG-INNOVATIVE:') == 3
    assert 'value="BIO21-CDMO:"' in page


@pytest.mark.parametrize(("typed", "outcome"), TYPED.items())
def test_amounts_on_the_page_follow_the_one_money_rule(client, catalogue, typed, outcome):
    client.cookies["django_language"] = "en"
    as_fact = client.post(PAGE + DRUG_Q, facts(**{"facts-rd_spending": typed})).content.decode()
    in_context = client.post(PAGE + DRUG_Q, facts(**{"context-awarded_this_year": typed})).content.decode()
    if isinstance(outcome, Decimal):
        assert "Estimated award" in as_fact and "¥49" in as_fact  # 40% of 123, whole yuan
        assert "Estimated award" in in_context
    else:
        assert "Estimated award" not in as_fact and "Estimated award" not in in_context
        assert 'class="error"' in as_fact and 'class="error"' in in_context


def test_a_measure_shows_its_citation_and_every_unit_of_its_clause_in_order(
    client, catalogue, django_assert_max_num_queries
):
    client.cookies["django_language"] = "en"
    with django_assert_max_num_queries(12):  # the units in one query, their commissions joined
        page = client.get(PAGE + "?measure=INTL24-OVERSEAS-TRIALS:").content.decode().replace("&#x27;", "'")
    assert "clause II.1(3)" in page
    start = page.index('<span class="units">')
    assert page[start : page.index("</span>", start)].endswith(
        "Responsible units: Municipal Science and Technology Commission (lead), Foreign Affairs Office of the "
        "Municipal People's Government, Municipal Health Commission, Financial Commission Office of the CPC "
        "Municipal Committee, Municipal Bureau of Finance, Municipal Medical Products Administration, Shanghai "
        "Municipal Financial Regulatory Bureau, Shanghai Hospital Development Center"
    )
    cro = client.get(PAGE + "?measure=BIO24-CRO-UPGRADE:").content.decode()
    assert "area 2 (clinical trials) of the 37 measures" in cro and "clause CRO upgrade" not in cro

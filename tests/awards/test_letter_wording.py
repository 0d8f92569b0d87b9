"""The words of decision letters (SPEC "Letters and certificates people can trust", issue 17): every letter of every
program of the shipped catalogue, award and rejection, states its legal basis in words (the policy, its document
number, the clause as the policy numbers it, never a catalogue code), the remedies naming the body, the amount in
figures and in 大写; the call's title is never wrapped in another 申报; the English half says it is in English."""

import io
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from pypdf import PdfReader

from applications.models import Application, ApplicationVersion, Call, Program, ProgramOutcome
from awards.certificates import certificate_content
from awards.engine import Line, Result, Step
from awards.explain import result_as_json
from awards.legal_basis import clause_words, document_numbers
from awards.letters import LETTER_FONTS, letter_row, render_letter
from awards.models import Award, Letter, LetterKind, RegisterEntry
from awards.seal import seal_box
from portal.accounts.models import Organisation
from reviews.models import Decision, DecisionOutcome
from tests.paths import ARTIFACTS

ISSUED_ON = date(2026, 12, 4)
RECONSIDERATION_ZH = "六十日内向上海市人民政府申请行政复议"
SUIT_ZH = "六个月内向有管辖权的人民法院提起行政诉讼"
RECONSIDERATION_EN = "to the Shanghai Municipal People's Government for administrative reconsideration within 60 days"
SUIT_EN = "administrative suit before the people's court with jurisdiction within 6 months"


class _Sections(HTMLParser):
    """The text of each <section> of a letter, and each section's attributes."""

    def __init__(self):
        super().__init__()
        self.text: dict[str, str] = {}
        self.attrs: dict[str, dict] = {}
        self._current = None

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            attrs = dict(attrs)
            self._current = attrs["class"]
            self.attrs[self._current], self.text[self._current] = attrs, ""

    def handle_endtag(self, tag):
        if tag == "section":
            self._current = None

    def handle_data(self, data):
        if self._current:
            self.text[self._current] += data


def squeezed(text: str) -> str:
    return "".join(text.split())


def sections(letter: Letter) -> _Sections:
    """The letter's HTML as render_letter renders it, split into its halves."""
    with translation.override("zh-hans"):
        html = render_to_string("letters/letter.html", {"letter": letter, "c": letter.content, "fonts": LETTER_FONTS})
    parsed = _Sections()
    parsed.feed(html)
    return parsed


def breakdown(program: Program, amount: Decimal) -> dict:
    """The engine's breakdown of an award capped by the clause, in both languages, as award_compute stores it."""
    track = program.tracks.first()
    result = Result(True, amount, (Line(Step.CLAUSE_CAP, amount, {"cap": amount, "clause": program.clause}),))
    stored = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            stored[language] = result_as_json(result, track)
    return stored


def letter_for(program: Program, *, approved: bool) -> Letter:
    """A letter of `program` as letter_row makes it, for an application to a call titled as the demo titles its
    calls (the Chinese title ends in 申报)."""
    call = Call(
        program=program,
        year=2026,
        title_zh=f"2026年度{program.title_zh}项目申报",
        title_en=f"2026 call: {program.title_en}",
    )
    application = Application(
        call=call,
        organisation=Organisation(name="张江示范生物科技有限公司", uscc="91310115MA1000008T"),
        track=program.tracks.first(),
        receipt_number=f"2026-{program.lead.code}-000001",
    )
    decision = Decision(
        application=application,
        version=ApplicationVersion(application=application, title="示范项目 (demo project)"),
        outcome=DecisionOutcome.APPROVED if approved else DecisionOutcome.REJECTED,
        reasons="" if approved else "申报节点日期不在申报通知规定的期间内。",
    )
    award = None
    if approved:
        amount = Decimal("5000000")
        award = Award(
            amount=amount,
            breakdown=breakdown(program, amount),
            catalogue_version=program.catalogue_version,
            notice_from=date(2026, 11, 20),
            notice_until=date(2026, 11, 26),
        )
    return letter_row(decision=decision, award=award, number=1, issued_on=ISSUED_ON)


def decided_programs():
    """Every program a letter decides on: grants and recognitions (a channel's cases are answered, not decided)."""
    return Program.objects.exclude(outcome=ProgramOutcome.CHANNEL).select_related("policy", "lead")


def assert_words_not_codes(program: Program, zh: str, en: str) -> None:
    citation_en = clause_words(program)["en"]
    for half in (zh, en):
        assert program.code not in half and program.code.split("-")[0] not in half, program.code
        # The clause code only where it is the citation the catalogue gives ("area 1 (R&D) of the 37 measures").
        assert squeezed(program.clause) not in squeezed(half.replace(citation_en, "")), program.code
        assert "条款" not in half and "clause" not in half, program.code


def assert_basis_and_remedies(program: Program, zh: str, en: str) -> None:
    words, numbers = clause_words(program), document_numbers(program.policy.document_number)
    assert words["zh"] and words["en"], program.code  # every shipped program has a clause to cite
    assert squeezed(f"《{program.policy.title_zh}》") in zh and words["zh"] in zh, program.code
    assert program.policy.title_en in en and words["en"] in en, program.code
    if program.policy.document_number:
        assert f"（{numbers['zh']}）" in zh and f"({numbers['en']})" in en, program.code
    assert RECONSIDERATION_ZH in zh and SUIT_ZH in zh, program.code
    assert squeezed(RECONSIDERATION_EN) in squeezed(en) and squeezed(SUIT_EN) in squeezed(en), program.code


def assert_call_title_once(letter: Letter, zh: str) -> None:
    title = squeezed(letter.content["call"]["title_zh"])
    assert title in zh
    assert f"申报{title}" not in zh and f"{title}申报" not in zh and "申报申报" not in zh


@pytest.mark.parametrize(
    ("clause", "zh", "en"),
    [
        ("III.1", "第三条第（一）项", "section III, item 1"),
        ("VI.2", "第六条第（二）项", "section VI, item 2"),
        ("VII.4", "第七条第（四）项", "section VII, item 4"),
        ("II.1(3)", "第二条第（一）项第3目", "section II, item 1, point (3)"),
        ("II.5(12)", "第二条第（五）项第12目", "section II, item 5, point (12)"),
        ("IX", "第九条", "section IX"),
        ("devices", "", ""),  # a clause the policy's text does not number: nothing to cite but the title
    ],
)
def test_a_clause_is_cited_in_words_as_the_policy_numbers_it(clause, zh, en):
    assert clause_words(Program(clause=clause)) == {"zh": zh, "en": en}


def test_the_catalogue_citation_wins_where_the_policy_numbers_no_clause():
    program = Program(
        clause="area 1", citation_zh="37条措施第1领域（研发）", citation_en="area 1 (R&D) of the 37 measures"
    )
    assert clause_words(program) == {"zh": "37条措施第1领域（研发）", "en": "area 1 (R&D) of the 37 measures"}


def test_the_chinese_half_cites_the_chinese_document_number():
    assert document_numbers("SMPG GO G2021 No.5 (沪府办规〔2021〕5号)") == {
        "zh": "沪府办规〔2021〕5号",
        "en": "SMPG GO G2021 No.5 (沪府办规〔2021〕5号)",
    }
    assert document_numbers("沪府办规〔2024〕9号") == {"zh": "沪府办规〔2024〕9号", "en": "沪府办规〔2024〕9号"}
    assert document_numbers("") == {"zh": "", "en": ""}


def test_every_award_letter_of_the_catalogue_states_basis_amount_and_remedies_in_words(catalogue):
    grants = [p for p in decided_programs() if p.is_grant]
    assert len(grants) >= 15
    for program in grants:
        letter = letter_for(program, approved=True)
        parsed = sections(letter)
        zh, en = parsed.text["zh"], parsed.text["en"]
        assert parsed.attrs["en"]["lang"] == "en"
        assert_words_not_codes(program, zh, en)
        assert_basis_and_remedies(program, zh, en)
        assert_call_title_once(letter, squeezed(zh))
        assert "关于给予张江示范生物科技有限公司资助的决定" in zh
        assert "人民币伍佰万元整" in zh and "¥5,000,000" in zh, program.code
        assert "并于2026年11月20日至2026年11月26日公示" in zh  # dates as a 决定书 writes them
        assert "CNY 5,000,000" in en and "English translation; the Chinese text prevails." in en
        # The clause cap line of the breakdown cites the clause in words too.
        assert f"按{clause_words(program)['zh']}规定的上限封顶：5,000,000" in zh, program.code


def test_every_rejection_letter_of_the_catalogue_states_basis_reasons_and_remedies_in_words(catalogue):
    for program in decided_programs():
        letter = letter_for(program, approved=False)
        parsed = sections(letter)
        zh, en = parsed.text["zh"], parsed.text["en"]
        assert parsed.attrs["en"]["lang"] == "en"
        assert_words_not_codes(program, zh, en)
        assert_basis_and_remedies(program, zh, en)
        assert_call_title_once(letter, squeezed(zh))
        assert "理由：申报节点日期不在申报通知规定的期间内。" in zh
        assert "Reasons: 申报节点日期不在申报通知规定的期间内。" in en
        assert zh.index("理由：") < zh.index("现决定不予")  # the reasons, then the decision they support
        refused = "不予资助" if program.is_grant else "不予认定"
        assert refused in zh and ("不予认定" if program.is_grant else "不予资助") not in zh, program.code
        assert ("not granted support" if program.is_grant else "not granted the listing") in en, program.code


def test_a_program_whose_policy_numbers_no_clause_cites_its_title_not_a_code(catalogue):
    program = Program.objects.get(code="BIO21-DEVICE-INNOVATIVE")
    program.clause = "devices"  # as a catalogue row without a numbered clause and without a citation
    zh, en = (sections(letter_for(program, approved=False)).text[half] for half in ("zh", "en"))
    assert "devices" not in zh and "条款" not in zh and "clause" not in en
    assert "》（沪府办规〔2021〕5号）“支持创新医疗器械研发”的规定" in squeezed(zh)
    assert squeezed('under "Innovative medical devices", of the Opinions') in squeezed(en)


def test_the_remedies_name_the_body_a_setting_gives_a_commission(catalogue, settings):
    settings.LETTER_REMEDIES = {
        **settings.LETTER_REMEDIES,
        "STCSM": {"reconsideration_zh": "示范复议机关", "reconsideration_en": "the demo reconsideration body"},
    }
    program = Program.objects.get(code="BIO24-DRUG-INNOVATIVE")
    letter = letter_for(program, approved=False)
    parsed = sections(letter)
    assert "六十日内向示范复议机关申请行政复议" in parsed.text["zh"] and SUIT_ZH in parsed.text["zh"]
    assert "apply to the demo reconsideration body for administrative reconsideration" in parsed.text["en"]
    assert letter.content["remedies"]["reconsideration_zh"] == "示范复议机关"  # kept with the letter


def test_a_letter_issued_before_the_remedies_were_snapshotted_still_renders_them(catalogue):
    letter = letter_for(Program.objects.get(code="BIO21-DRUG-INNOVATIVE"), approved=True)
    old = letter.content
    del old["remedies"], old["policy"]["number_zh"], old["policy"]["number_en"]
    old["program"]["citation_zh"], old["program"]["citation_en"] = "条款 III.1", "clause III.1"  # as issued then
    parsed = sections(letter)
    zh, en = parsed.text["zh"], parsed.text["en"]
    assert RECONSIDERATION_ZH in zh and squeezed(RECONSIDERATION_EN) in squeezed(en)
    assert "SMPG GO G2021 No.5 (沪府办规〔2021〕5号)" in zh and "人民币伍佰万元整" in zh
    assert render_letter(letter).startswith(b"%PDF")


def test_the_pdfs_say_it_as_the_html_does(catalogue):
    """The text of the PDFs themselves (one award, one rejection): the halves on their pages, the words as above."""
    program = Program.objects.get(code="BIO21-DRUG-INNOVATIVE")
    for approved in (True, False):
        pdf = render_letter(letter_for(program, approved=approved))
        ARTIFACTS.mkdir(parents=True, exist_ok=True)  # kept to be looked at (pdftoppm)
        (ARTIFACTS / f"letter-wording-{'award' if approved else 'rejection'}.pdf").write_bytes(pdf)
        reader = PdfReader(io.BytesIO(pdf))
        zh, en = (squeezed(page.extract_text()) for page in reader.pages[:2])
        assert len(reader.pages) == 2  # the Chinese half on page 1, the English on page 2
        assert (
            "《上海市人民政府办公厅关于促进本市生物医药产业高质量发展的若干意见》（沪府办规〔2021〕5号）第三条第（一）项"
            in zh
        )
        assert RECONSIDERATION_ZH in zh and SUIT_ZH in zh and "BIO21" not in zh + en and "条款" not in zh
        assert "sectionIII,item1" in en and squeezed(RECONSIDERATION_EN) in en and squeezed(SUIT_EN) in en
        if approved:
            assert "人民币伍佰万元整（¥5,000,000）" in zh and "CNY5,000,000" in en
        else:
            assert "不予资助" in zh and "理由：申报节点日期不在申报通知规定的期间内。" in zh


def date_height(page, text: str) -> float:
    """The height (PDF points from the bottom edge) of the line that says `text`."""
    heights = []  # in PDF points from the bottom edge: the text matrix's place under the current transformation

    def visit(said, cm, tm, font, size):
        if text in said:
            heights.append(cm[1] * tm[4] + cm[3] * tm[5] + cm[5])

    page.extract_text(visitor_text=visit)
    assert heights, text
    return min(heights)


def test_a_long_award_letter_keeps_its_chinese_half_and_room_for_the_seal_on_page_one(catalogue):
    """Every step of the breakdown, a ranking, a long title: the Chinese half and its signature stay on page 1 with
    room below the date for the seal (about 4 cm square), the English half on page 2."""
    program = Program.objects.get(code="BIO21-DRUG-INNOVATIVE")
    letter = letter_for(program, approved=True)
    letter.content["application"]["title"] = "用于治疗晚期非小细胞肺癌的新型双特异性抗体注射液（ZJ-2026）II期临床研究"
    letter.content["award"]["breakdown_zh"] = [
        "40% × 研发投入（元） 30,000,000 = 12,000,000",
        "取整到元（只舍不入）：12,000,000",
        "按第三条第（一）项规定的上限封顶：10,000,000",
        "降至评审建议金额：8,000,000（预算有限）",
        "同一产品或项目在同一重叠组已获资助 2,000,000（就高不重复），仅支付差额：6,000,000",
        "受每家单位每年 100,000,000 的年度上限限制（本年度已获资助 94,000,000）：6,000,000",
        "受申报批次剩余预算限制：5,000,000",
    ]
    letter.content["award"]["breakdown_en"] = ["A line of the breakdown, in English: 5,000,000"] * 7
    letter.content["award"]["allocation"] = {"place": 2, "of": 5}
    pdf = render_letter(letter)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # kept to be looked at (pdftoppm)
    (ARTIFACTS / "letter-wording-long.pdf").write_bytes(pdf)
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 2
    # The seal's place (awards/seal.py puts the signature's box there) is on page 1, under the date, on the page.
    from pyhanko.pdf_utils.reader import PdfFileReader

    index, (_x1, bottom, _x2, top) = seal_box(PdfFileReader(io.BytesIO(pdf)))
    assert index == 0
    assert top <= date_height(pages[0], "2026年12月4日") and bottom >= 2 / 2.54 * 72


def certificate_for(program: Program) -> Letter:
    """A certificate of `program` as _number_certificate makes it (certificate_content, the letter row)."""
    letter = letter_for(program, approved=True)
    application = Application(
        organisation=Organisation(name="张江示范生物科技有限公司", uscc="91310115MA1000008T"),
        receipt_number=f"2026-{program.lead.code}-000002",
    )
    entry = RegisterEntry(
        pk=7,
        program=program,
        track=program.tracks.first(),
        organisation=application.organisation,
        subject="示范产品 (demo product)",
        public_facts=[{"label_zh": "产品或项目标识", "label_en": "Product or project identifier", "value": "ZJ-1"}],
        notice_from=date(2026, 11, 20),
        notice_until=date(2026, 11, 26),
        valid_from=date(2026, 11, 27),
        valid_to=date(2029, 11, 26),
    )
    decision = Decision(application=application, decided_at=timezone.now())
    content = certificate_content(entry, decision, letter.reference, renewal=False)
    return Letter(kind=LetterKind.CERTIFICATE, reference=letter.reference, issued_on=ISSUED_ON, content=content)


def test_every_certificate_of_the_catalogue_states_basis_and_remedies_in_words(catalogue):
    recognitions = [p for p in decided_programs() if not p.is_grant]
    assert len(recognitions) >= 4
    for program in recognitions:
        letter = certificate_for(program)
        with translation.override("zh-hans"):
            html = render_to_string("letters/certificate.html", {"letter": letter, "c": letter.content, "fonts": ""})
        parsed = _Sections()
        parsed.feed(html)
        zh, en = parsed.text["zh"], parsed.text["en"]
        assert parsed.attrs["en"]["lang"] == "en"
        assert_words_not_codes(program, zh, en)
        assert RECONSIDERATION_ZH in zh, program.code
        assert "有效期：2026年11月27日至2029年11月26日" in zh and "Valid from 2026-11-27 to 2029-11-26" in en
        words, numbers = clause_words(program), document_numbers(program.policy.document_number)
        assert f"《{program.policy.title_zh}》" in zh and words["zh"] in zh and words["en"] in en, program.code
        if program.policy.document_number:
            assert f"（{numbers['zh']}）" in zh and f"({numbers['en']})" in en, program.code
        assert SUIT_ZH in zh and squeezed(RECONSIDERATION_EN) in squeezed(en) and squeezed(SUIT_EN) in squeezed(en)

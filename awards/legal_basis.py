"""What an administrative act (a decision letter, a certificate) says about its legal basis and the remedies
against it, in both languages and in words: the policy's title and document number, the clause as the policy
numbers it ("第三条第（一）项"), never the catalogue's codes, and where to apply for reconsideration or sue.
"""

import re

import cn2an
from django.conf import settings

from applications.models import Program

# The catalogue writes a clause as the English text numbers it: part, item, point ("III.1", "II.1(3)").
_CLAUSE = re.compile(r"^(?P<part>[IVXLC]+)(?:\.(?P<item>\d+))?(?:\((?P<point>\d+)\))?$")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
# A Chinese document number inside the catalogue's (the English text's number, then the Chinese one).
_NUMBER_ZH = re.compile(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号")


def _roman(numeral: str) -> int:
    values = [_ROMAN[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def clause_words(program: Program) -> dict[str, str]:
    """The clause in words, {"zh": "第三条第（一）项", "en": "section III, item 1"}: the catalogue's citation
    where it gives one (a policy whose text numbers no clause), empty where neither says anything citable."""
    if program.citation_zh or program.citation_en:
        return {"zh": program.citation_zh or program.citation_en, "en": program.citation_en or program.citation_zh}
    match = _CLAUSE.match(program.clause.strip())
    if match is None:
        return {"zh": "", "en": ""}
    part, item, point = match["part"], match["item"], match["point"]
    zh = f"第{cn2an.an2cn(str(_roman(part)))}条"
    en = f"section {part}"
    if item:
        zh += f"第（{cn2an.an2cn(item)}）项"
        en += f", item {item}"
    if point:
        zh += f"第{point}目"
        en += f", point ({point})"
    return {"zh": zh, "en": en}


def document_numbers(number: str) -> dict[str, str]:
    """The policy's document number for each half: the Chinese one alone in the Chinese half where the catalogue
    gives both ("SMPG GO G2021 No.5 (沪府办规〔2021〕5号)"), all of it in the English half."""
    chinese = _NUMBER_ZH.search(number)
    return {"zh": chinese.group(0) if chinese else number, "en": number}


def remedies(commission_code: str) -> dict[str, str]:
    """Where the recipient applies for reconsideration and sues (settings.LETTER_REMEDIES: a default, and the
    commissions whose acts go elsewhere). Snapshotted into the letter, so a letter keeps what it said."""
    bodies = settings.LETTER_REMEDIES
    return {**bodies["*"], **bodies.get(commission_code, {})}

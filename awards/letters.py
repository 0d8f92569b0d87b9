"""Decision letters: a gapless number per commission and year, a snapshot of everything the letter
says, and a bilingual PDF rendered from that snapshot with WeasyPrint (so it re-renders identically).

Issuing is two steps on purpose: the number and snapshot are committed first, the PDF second. A
worker killed while rendering or sealing (awards/seal.py) leaves a numbered letter without a file; the
re-delivered task finds it and renders and seals it, so every letter is produced once and no number is lost.
"""

import hashlib
from datetime import date
from decimal import Decimal

import cn2an
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from applications.models import AuditEvent
from applications.notifications import outbox_for_event
from awards import seal
from awards.legal_basis import clause_words, document_numbers, remedies
from awards.letter_assets import LETTER_FONTS
from awards.lifecycle import AwardAction, award_move
from awards.models import Award, AwardState, Letter, LetterKind, LetterSequence
from awards.verification import new_token, verification_context
from portal.amounts import yuan
from reviews.models import Decision, DecisionOutcome


def capital_yuan(amount: Decimal) -> str:
    """4000000 -> 人民币肆佰万元整 (the amount in Chinese capital numerals, as on a payment order)."""
    return "人民币" + cn2an.an2cn(str(Decimal(amount).quantize(Decimal("0.01"))), "rmb")


def next_number(commission_id: int, year: int) -> int:
    """The next number of the commission's letters this year. The sequence row is locked until the
    caller's transaction ends, so numbers are unique and, since the letter row is written in that same
    transaction, without gaps."""
    LetterSequence.objects.bulk_create([LetterSequence(commission_id=commission_id, year=year)], ignore_conflicts=True)
    sequence = LetterSequence.objects.select_for_update().get(commission_id=commission_id, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def breakdown_words(lines: list[dict], language: str, citation: str) -> list[str]:
    """The award's breakdown lines as the letter says them. The engine's words for the clause cap cite the
    clause by its catalogue code ("条款 III.1"); the letter cites it in words, as its basis does. The capped
    amount is the cap (whole yuan), so the line says it once."""
    words = []
    for line in lines:
        if line["step"] != "clause_cap":
            words.append(line["text"])
        elif language == "zh":
            words.append(f"按{citation or '该支持事项'}规定的上限封顶：{yuan(Decimal(line['amount']))}")
        else:
            words.append(f"Capped at the limit set by {citation or 'the measure'}: {yuan(Decimal(line['amount']))}")
    return words


def letter_content(decision: Decision, award: Award | None) -> dict:
    """Everything the letter states, kept with it so it re-renders as issued. Letters issued before the legal
    basis and the remedies were snapshotted lack `basis` and `remedies`; the template words them by default."""
    application = decision.application
    program, call = application.call.program, application.call
    lead, policy = program.lead, program.policy
    clause = clause_words(program)
    numbers = document_numbers(policy.document_number)
    content = {
        "commission": {"code": lead.code, "name_zh": lead.name_zh, "name_en": lead.name_en},
        "organisation": {"name": application.organisation.name, "uscc": application.organisation.uscc},
        "application": {"receipt_number": application.receipt_number, "title": decision.version.title},
        "program": {
            "code": program.code,
            "title_zh": program.title_zh,
            "title_en": program.title_en,
            "clause": program.clause,
            # The clause in words ("第三条第（一）项", "section III, item 1"), or the catalogue's citation where the
            # policy's text numbers no clause; empty where there is nothing to cite but the measure's title.
            "citation_zh": clause["zh"],
            "citation_en": clause["en"],
            "track_zh": application.track.title_zh,
            "track_en": application.track.title_en,
        },
        "policy": {
            "title_zh": policy.title_zh,
            "title_en": policy.title_en,
            "number": policy.document_number,
            "number_zh": numbers["zh"],
            "number_en": numbers["en"],
        },
        "call": {"title_zh": call.title_zh, "title_en": call.title_en, "year": call.year},
        # A refusal of a recognition refuses a listing, not money: the letter says which.
        "is_grant": program.is_grant,
        "outcome": decision.outcome,
        "reasons": decision.reasons,
        "remedies": remedies(lead.code),
    }
    if award is not None:
        content["award"] = {
            "amount": str(award.amount),
            "amount_figures": yuan(award.amount),
            "amount_capital": capital_yuan(award.amount),
            "breakdown_zh": breakdown_words(award.breakdown["zh-hans"]["breakdown"], "zh", clause["zh"]),
            "breakdown_en": breakdown_words(award.breakdown["en"]["breakdown"], "en", clause["en"]),
            "allocation": award.breakdown.get("allocation"),
            "catalogue_version": award.catalogue_version,
            "notice": [str(award.notice_from or ""), str(award.notice_until or "")],
        }
    return content


@transaction.atomic
def _number_letter(decision_id: int) -> Letter:
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related(
            "application__call__program__lead",
            "application__call__program__policy",
            "application__organisation",
            "application__track",
            "version",
        )
        .get(pk=decision_id)
    )
    existing = Letter.objects.filter(decision=decision).first()
    if existing is not None:
        return existing
    award = None
    if decision.outcome == DecisionOutcome.APPROVED:
        award = Award.objects.select_for_update().get(decision=decision)
        if award.state != AwardState.CONFIRMED:
            raise ValueError(f"award {award.pk} is {award.state}; letters go out for confirmed awards")
    today = timezone.localdate()
    letter = letter_row(
        decision=decision,
        award=award,
        number=next_number(decision.application.call.program.lead_id, today.year),
        issued_on=today,
    )
    letter.save()
    return letter


def letter_row(*, decision: Decision, award: Award | None, number: int, issued_on: date) -> Letter:
    """The unsaved letter of `decision` with its number and snapshot: saved by `_number_letter` (for
    `letter_issue`), or bulk-created by the bench's data generator, which numbers its own sequences."""
    lead = decision.application.call.program.lead
    return Letter(
        application=decision.application,
        decision=decision,
        award=award,
        kind=LetterKind.AWARD if award else LetterKind.REJECTION,
        commission=lead,
        year=issued_on.year,
        number=number,
        reference=f"{lead.code}-{issued_on.year}-{number:05d}",
        content=letter_content(decision, award),
        issued_on=issued_on,
        token=new_token(),
    )


# A certificate states a status, a decision letter an amount or a refusal: each has its page.
TEMPLATES = {LetterKind.CERTIFICATE: "letters/certificate.html"}


def render_letter(letter: Letter) -> bytes:
    """The PDF of `letter`, from its stored snapshot only: the same snapshot gives the same bytes."""
    from weasyprint import HTML

    template = TEMPLATES.get(letter.kind, "letters/letter.html")
    with translation.override("zh-hans"):
        context = {
            "letter": letter,
            "c": letter.content,
            "fonts": LETTER_FONTS,
            "seal": seal.seal_context(),
            **verification_context(letter),
        }
        html = render_to_string(template, context)
    return HTML(string=html).write_pdf()


def letter_issue(*, decision_id: int) -> Letter:
    """Number (once), render and seal (once) and mark the award's letter as issued. Safe to run again."""
    letter = _number_letter(decision_id)
    if letter.rendered_at is not None:
        return letter
    # Only the sealed PDF is ever saved: a worker killed before the seal leaves the letter unrendered.
    pdf = seal.sign_pdf(render_letter(letter), commission=letter.commission)
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        if letter.rendered_at is not None:  # another delivery of the task finished first
            return letter
        letter.pdf.save(f"{letter.reference}.pdf", ContentFile(pdf), save=False)
        letter.sha256, letter.rendered_at = hashlib.sha256(pdf).hexdigest(), timezone.now()
        letter.save(update_fields=["pdf", "sha256", "rendered_at"])
        data = {"letter": letter.pk, "reference": letter.reference}
        if letter.award_id:
            # Locked under the letter's lock, which lets one delivery through: the award moves once.
            award = (
                Award.objects.select_for_update(of=("self",))
                .select_related("application", "decision__version")
                .get(pk=letter.award_id)
            )
            award_move(award=award, action=AwardAction.LETTER_ISSUED, data=data)
        else:
            event = AuditEvent.record(
                application=letter.application,
                action=AwardAction.LETTER_ISSUED,
                version=letter.decision.version,
                data=data,
            )
            outbox_for_event(event)
    return letter


def letter_of_event(event: AuditEvent) -> Letter | None:
    """The letter a `letter_issued` event's e-mail attaches (registered with applications/notifications.py
    in awards/apps.py)."""
    return Letter.objects.filter(pk=event.data.get("letter")).first()

"""Certificates of register entries: a numbered, bilingual administrative act made by the letter machinery
(awards/letters.py). The number comes from the lead commission's locked letter sequence (`letters.next_number`: one
series of documents per commission and year, without gaps), the snapshot of everything the certificate says is
committed first, and the PDF is rendered from it by WeasyPrint second, exactly as a decision letter: a worker killed
while rendering leaves a numbered certificate without a file, which the re-delivered task renders.

A certificate is issued when an entry is listed (its notice closed) and for every renewal, each for the decision
that granted it; the entry points at its latest one. The e-mail of the `certificate_issued` event attaches it.
"""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from awards import seal
from awards.legal_basis import clause_words, document_numbers, remedies
from awards.letters import next_number, render_letter
from awards.models import EntryState, Letter, LetterKind, RegisterEntry
from awards.register_lifecycle import RegisterAction, entry_record
from awards.verification import new_token
from reviews.models import Decision


def certificate_content(entry: RegisterEntry, decision: Decision, reference: str, renewal: bool) -> dict:
    """Everything the certificate states: the legal basis, the holder, what is listed, the validity and the
    remedies; nothing is read again when it re-renders."""
    program, application = entry.program, decision.application
    lead, policy = program.lead, program.policy
    clause, numbers = clause_words(program), document_numbers(policy.document_number)
    return {
        "commission": {"code": lead.code, "name_zh": lead.name_zh, "name_en": lead.name_en},
        "organisation": {"name": entry.organisation.name, "uscc": entry.organisation.uscc},
        "program": {
            "code": program.code,
            "title_zh": program.title_zh,
            "title_en": program.title_en,
            "clause": program.clause,
            # In words, as the letters cite it (awards/legal_basis.py); certificates issued before lack these.
            "citation_zh": clause["zh"],
            "citation_en": clause["en"],
            "track_zh": entry.track.title_zh,
            "track_en": entry.track.title_en,
        },
        "policy": {
            "title_zh": policy.title_zh,
            "title_en": policy.title_en,
            "number": policy.document_number,
            "number_zh": numbers["zh"],
            "number_en": numbers["en"],
        },
        "application": {"receipt_number": application.receipt_number},
        "entry": {
            "id": entry.pk,
            "subject": entry.subject,
            "key": entry.key,
            "facts": [
                {"label_zh": f["label_zh"], "label_en": f["label_en"], "value": str(f["value"])}
                for f in entry.public_facts
            ],
            "valid_from": entry.valid_from.isoformat(),
            "valid_to": entry.valid_to.isoformat(),
            "notice": [str(entry.notice_from or ""), str(entry.notice_until or "")],
        },
        "decided_on": timezone.localtime(decision.decided_at).date().isoformat(),
        "renewal": renewal,
        "remedies": remedies(lead.code),
        # The QR code and link of a certificate lead to its verification page (the render context's, issue 17);
        # older snapshots still hold the register's link ("register_url", "qr"), which nothing prints now.
    }


@transaction.atomic
def _number_certificate(decision_id: int) -> Letter:
    decision = Decision.objects.select_for_update(of=("self",)).select_related("application").get(pk=decision_id)
    existing = Letter.objects.filter(decision=decision).first()
    if existing is not None:
        return existing
    entry = (
        RegisterEntry.objects.select_for_update(of=("self",))
        .select_related("program__lead", "program__policy", "organisation", "track")
        .get(decision=decision)
    )
    if entry.state != EntryState.VALID:
        raise ValueError(f"entry {entry.pk} is {entry.state}; certificates go out for valid entries")
    today = timezone.localdate()
    lead = entry.program.lead
    number = next_number(lead.pk, today.year)
    reference = f"{lead.code}-{today.year}-{number:05d}"
    renewal = entry.certificates.exists()
    letter = Letter(
        application=decision.application,
        decision=decision,
        entry=entry,
        kind=LetterKind.CERTIFICATE,
        commission=lead,
        year=today.year,
        number=number,
        reference=reference,
        content=certificate_content(entry, decision, reference, renewal),
        issued_on=today,
        token=new_token(),
    )
    letter.save()
    return letter


def certificate_issue(*, decision_id: int) -> Letter:
    """Number (once), render and seal (once) and record the certificate of the entry this decision granted or
    renewed; the entry then points at it. Safe to run again."""
    letter = _number_certificate(decision_id)
    if letter.rendered_at is not None:
        return letter
    # Only the sealed PDF is ever saved, as for decision letters.
    pdf = seal.sign_pdf(render_letter(letter), commission=letter.commission)
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        if letter.rendered_at is not None:  # another delivery of the task finished first
            return letter
        letter.pdf.save(f"{letter.reference}.pdf", ContentFile(pdf), save=False)
        letter.sha256, letter.rendered_at = hashlib.sha256(pdf).hexdigest(), timezone.now()
        letter.save(update_fields=["pdf", "sha256", "rendered_at"])
        entry = (
            RegisterEntry.objects.select_for_update(of=("self",)).select_related("application").get(pk=letter.entry_id)
        )
        entry.certificate = letter
        entry.save(update_fields=["certificate", "updated_at"])
        entry_record(
            entry=entry,
            action=RegisterAction.CERTIFICATE_ISSUED,
            certificate=letter,
            data={"letter": letter.pk, "reference": letter.reference},
        )
    return letter

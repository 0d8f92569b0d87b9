"""Decision letters: gapless numbers per commission and year, the amount in figures and 大写, CJK text,
re-rendered identically, downloadable only by those who may see the application."""

import hashlib
import io
import os
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications import workflow
from awards import letters, notice
from awards.letters import capital_yuan, letter_issue
from awards.models import Award, AwardState, Letter, LetterSequence
from awards.services import award_compute
from portal.accounts.models import Commission
from tests import journeys
from tests.factories import OrganisationFactory, member, officer
from tests.filings import submit
from tests.journeys import approved_directly
from tests.paths import ARTIFACTS


def confirmed_award(call, by, **kwargs) -> Award:
    (application,) = approved_directly(call, by, rd_spending="10000000", product_key="ZJ", **kwargs)
    award = award_compute(application_id=application.pk)
    notice.notice_publish(call=call, by=journeys.lead(application))
    notice.notices_close(today=timezone.localdate() + timedelta(days=30))
    return Award.objects.get(pk=award.pk)


def pdf_text(letter: Letter) -> str:
    with letter.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize(
    ("amount", "capital"),
    [
        ("4000000", "人民币肆佰万元整"),
        ("3500000", "人民币叁佰伍拾万元整"),
        ("10500", "人民币壹万零伍佰元整"),
        ("100000001", "人民币壹亿零壹元整"),
        ("20000000.50", "人民币贰仟万元伍角"),
    ],
)
def test_amounts_in_chinese_capital_numerals(amount, capital):
    assert capital_yuan(amount) == capital


def test_award_letter_says_the_amount_in_figures_and_capitals_with_its_number(review_call, alice):
    award = confirmed_award(review_call, alice)
    letter = letter_issue(decision_id=award.decision_id)
    text = pdf_text(letter)
    assert letter.reference == f"STCSM-{timezone.localdate().year}-00001"
    assert letter.reference in text
    assert "4,000,000" in text and "人民币肆佰万元整" in text
    assert "上海市科学技术委员会" in text and award.organisation.uscc in text
    assert "Decision to grant support" in text
    assert Award.objects.get(pk=award.pk).state == AwardState.LETTER_ISSUED
    assert len(PdfReader(letter.pdf.path).pages) == 2
    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # kept to be looked at (pdftoppm)
    with letter.pdf.open("rb") as handle:
        (ARTIFACTS / "letter-award.pdf").write_bytes(handle.read())


def test_a_letter_re_renders_identically_from_its_stored_content(review_call, alice):
    award = confirmed_award(review_call, alice)
    letter = letter_issue(decision_id=award.decision_id)
    with letter.pdf.open("rb") as handle:
        sealed = handle.read()
    assert hashlib.sha256(sealed).hexdigest() == letter.sha256
    # The seal is an incremental update: the sealed file begins with exactly the re-rendered PDF.
    assert sealed.startswith(letters.render_letter(letter))
    assert letter_issue(decision_id=award.decision_id).pk == letter.pk  # issuing twice: one letter
    assert Letter.objects.count() == 1


def test_a_rejection_gets_a_letter_with_its_reasons(review_call, alice):
    application = journeys.ready_for_decision(submit(review_call, alice))
    workflow.transition(
        application=application, action="reject", by=journeys.lead(application), reason="Not a Class 1 drug."
    )
    letter = letter_issue(decision_id=application.decisions.get().pk)
    text = pdf_text(letter)
    assert "不予资助" in text and "Not a Class 1 drug." in text and letter.kind == "rejection"


def test_no_letter_before_the_award_is_confirmed(review_call, alice):
    (application,) = approved_directly(review_call, alice, rd_spending="10000000", product_key="ZJ")
    award_compute(application_id=application.pk)
    with pytest.raises(ValueError):
        letter_issue(decision_id=application.decisions.get().pk)
    assert not Letter.objects.exists() and not LetterSequence.objects.filter(last__gt=0).exists()


@pytest.mark.django_db(transaction=True)
def test_letter_numbers_are_unique_and_gapless_per_commission_and_year_under_concurrency(catalogue):
    stcsm = Commission.objects.get(code="STCSM")
    sheitc = Commission.objects.get(code="SHEITC")
    taken: list[tuple[str, int]] = []
    barrier = threading.Barrier(16)

    def take(commission):
        from django.db import transaction

        barrier.wait()
        with transaction.atomic():
            taken.append((commission.code, letters.next_number(commission.pk, 2026)))
        connection.close()

    threads = [threading.Thread(target=take, args=(stcsm if i % 2 else sheitc,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for code in ("STCSM", "SHEITC"):
        assert sorted(n for c, n in taken if c == code) == list(range(1, 9))


def test_the_letter_is_downloaded_by_the_organisation_and_the_routed_officers_only(client, review_call, alice):
    award = confirmed_award(review_call, alice)
    letter = letter_issue(decision_id=award.decision_id)
    url = reverse("letter-download", args=[letter.pk])
    colleague = member(alice.organisation, username="bob")
    for user, status in [
        (alice, 200),
        (colleague, 200),
        (journeys.lead(award.application), 200),
        (member(OrganisationFactory(), username="charlie"), 404),
        (officer("COMMERCE", username="commerce"), 404),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_the_letter_is_mailed_to_the_organisation_with_the_pdf_attached(
    review_call, alice, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    award = confirmed_award(review_call, alice)
    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_issue(decision_id=award.decision_id)
    (message,) = [m for m in mailoutbox if letter.reference in m.body]
    assert message.to == [alice.email]
    assert "资助决定书" in message.subject or "Decision letter" in message.subject
    ((name, content, mimetype),) = message.attachments
    assert (name, mimetype) == (f"{letter.reference}.pdf", "application/pdf") and content.startswith(b"%PDF")


def test_a_test_run_keeps_its_letters_out_of_the_working_tree(review_call, alice):
    """Letters of a test run go to a temporary MEDIA_ROOT, never beside the demo's in var/media; worker
    and gunicorn processes the tests start read the same directory from the environment."""
    from django.conf import settings

    from tests.paths import ROOT

    media = Path(settings.MEDIA_ROOT).resolve()
    assert not media.is_relative_to((ROOT / "var").resolve())
    assert os.environ["MEDIA_ROOT"] == str(settings.MEDIA_ROOT)
    letter = letter_issue(decision_id=confirmed_award(review_call, alice).decision_id)
    assert Path(letter.pdf.path).resolve().is_relative_to(media)
    assert Path(letter.pdf.path).is_file()

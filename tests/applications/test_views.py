"""The enterprise pages through the test client: owner, colleague, outsider; query counts; e-mail."""

import pytest
from django.urls import reverse

from applications import filing, workflow
from applications.models import Application, State
from applications.notifications import render_event_email, send_event_email
from tests import journeys
from tests.factories import PASSWORD
from tests.filings import DRUG_FACTS, EXE, make_draft, pdf
from tests.logins import login


def urls_of(application):
    attachment = application.attachments.first()
    urls = [
        reverse("application-detail", args=[application.pk]),
        reverse("application-edit", args=[application.pk]),
        reverse("attachment-download", args=[attachment.pk]),
    ]
    if application.current_version:
        urls += [
            reverse("application-receipt", args=[application.pk]),
            reverse("application-version", args=[application.pk, 1]),
        ]
    return urls


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_outsider_gets_404_for_every_page_and_file(client, filing_call, alice, charlie, state):
    application = make_draft(filing_call, alice)
    if state == "submitted":
        application = filing.application_submit(application=application, by=alice)
    login(client, charlie)
    for url in urls_of(application):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("application-withdraw", args=[application.pk]), {"reason": "x"})
    assert response.status_code == 404
    assert Application.objects.get(pk=application.pk).state == application.state


def test_anonymous_is_sent_to_log_in(client, filing_call, alice):
    application = make_draft(filing_call, alice)
    response = client.get(reverse("application-detail", args=[application.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_colleague_sees_and_downloads(client, filing_call, alice, bob):
    application = make_draft(filing_call, alice)
    login(client, bob)
    assert client.get(reverse("application-edit", args=[application.pk])).status_code == 200
    response = client.get(reverse("attachment-download", args=[application.attachments.first().pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_officer_of_a_routed_commission_downloads_only_submitted_files(client, submitted, alice, smpa_officer):
    draft_only = filing.attachment_add(
        application=make_draft(submitted.call, alice, title="other"), document_type="pledge", upload=pdf(), by=alice
    )
    login(client, smpa_officer)  # SMPA co-reviews BIO24-DRUG-INNOVATIVE, once the formal check is passed
    document = reverse("attachment-download", args=[submitted.attachments.first().pk])
    assert client.get(document).status_code == 404
    journeys.pass_formal_check(submitted)
    assert client.get(reverse("attachment-download", args=[submitted.attachments.first().pk])).status_code == 200
    assert client.get(reverse("attachment-download", args=[draft_only.pk])).status_code == 404


def test_officer_of_an_unrelated_commission_sees_nothing(client, submitted, catalogue):
    from tests.factories import officer

    login(client, officer("COMMERCE"))
    assert client.get(reverse("application-detail", args=[submitted.pk])).status_code == 404


def test_edit_page_saves_a_draft_and_shows_field_errors_on_submit(client, filing_call, alice):
    application = make_draft(filing_call, alice)
    login(client, alice)
    url = reverse("application-edit", args=[application.pk])
    data = {f"facts-{k}": v for k, v in {**DRUG_FACTS, "rd_spending": "lots"}.items()}
    response = client.post(url, {**data, "title": "Drug X", "action": "submit"})
    assert response.status_code == 200
    assert "Enter an amount in yuan" in response.content.decode()
    assert Application.objects.get(pk=application.pk).state == State.DRAFT
    assert Application.objects.get(pk=application.pk).draft_facts["rd_spending"] == "lots"


def test_a_draft_saved_with_an_answer_that_will_not_pass_is_a_warning_naming_the_field(client, filing_call, alice):
    application = make_draft(filing_call, alice)
    login(client, alice)
    url = reverse("application-edit", args=[application.pk])
    data = {f"facts-{k}": v for k, v in {**DRUG_FACTS, "rd_spending": "1,000万"}.items()}
    page = client.post(url, {**data, "title": "Drug X", "action": "save"}, follow=True).content.decode()
    assert "Draft saved, but 1 answer(s) will not pass" in page and "R&amp;D spending (CNY): " in page
    assert "message-warning" in page and "message-success" not in page
    assert Application.objects.get(pk=application.pk).draft_facts["rd_spending"] == "1,000万"
    # Every answer valid again: a plain success.
    data["facts-rd_spending"] = "10000000"
    page = client.post(url, {**data, "title": "Drug X", "action": "save"}, follow=True).content.decode()
    assert "message-success" in page and "message-warning" not in page


def test_a_refused_submission_summarises_every_problem_with_links_to_the_fields(client, filing_call, alice):
    application = make_draft(filing_call, alice, documents=False)
    login(client, alice)
    data = {f"facts-{k}": v for k, v in {**DRUG_FACTS, "rd_spending": "lots", "drug_category": ""}.items()}
    page = client.post(
        reverse("application-edit", args=[application.pk]), {**data, "title": "Drug X", "action": "submit"}
    ).content.decode()
    summary = page[page.index('id="error-summary"') : page.index('id="application-form"')]
    assert "There is a problem" in summary
    assert 'href="#id_facts-rd_spending"' in summary and 'href="#id_facts-drug_category"' in summary
    assert 'href="#documents"' in summary and "Pledge of truthfulness" in summary


def test_edit_page_refuses_facts_that_cannot_be_stored_and_saves_nothing(client, filing_call, alice):
    # The same check as the API's (filing.application_save_draft): a NUL in a text answered 500 here.
    application = make_draft(filing_call, alice)
    before = Application.objects.get(pk=application.pk).draft_facts
    login(client, alice)
    url = reverse("application-edit", args=[application.pk])
    data = {f"facts-{k}": v for k, v in {**DRUG_FACTS, "rd_spending": "1\x00"}.items()}
    response = client.post(url, {**data, "title": "Changed"}, follow=True)
    assert response.status_code == 200
    assert "cannot be stored" in response.content.decode()
    saved = Application.objects.get(pk=application.pk)
    assert (saved.title, saved.draft_facts) == (application.title, before)


def test_edit_page_submits_and_shows_the_receipt(client, filing_call, alice):
    application = make_draft(filing_call, alice)
    login(client, alice)
    data = {f"facts-{k}": v for k, v in DRUG_FACTS.items()}
    response = client.post(
        reverse("application-edit", args=[application.pk]), {**data, "title": "Drug X", "action": "submit"}
    )
    assert response.status_code == 302 and response["Location"].endswith("/receipt/")
    receipt = client.get(response["Location"]).content.decode()
    application.refresh_from_db()
    assert application.receipt_number in receipt and "4,000,000" in receipt


def test_upload_of_a_renamed_exe_is_refused_on_the_page(client, filing_call, alice):
    application = make_draft(filing_call, alice, documents=False)
    login(client, alice)
    response = client.post(
        reverse("attachment-upload", args=[application.pk]),
        {"document_type": "pledge", "file": pdf("setup.pdf", EXE)},
        follow=True,
    )
    assert "Only PDF, JPEG and PNG files are accepted" in response.content.decode()
    assert not application.attachments.exists()


def test_live_estimate_fragment(client, filing_call, alice):
    application = make_draft(filing_call, alice, documents=False)
    login(client, alice)
    data = {f"facts-{k}": v for k, v in {**DRUG_FACTS, "rd_spending": "100000000"}.items()}
    fragment = client.post(reverse("application-estimate", args=[application.pk]), data, HTTP_HX_REQUEST="true")
    assert "¥20,000,000" in fragment.content.decode()  # phase 2 of policy C: capped at 20 million


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_pages_render_in_both_languages(client, submitted, alice, language):
    login(client, alice, language)
    for url in [reverse("dashboard"), reverse("calls"), *urls_of(submitted)[:1], urls_of(submitted)[3]]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'lang="{"en" if language == "en" else "zh-Hans"}"' in response.content.decode()


def test_dashboard_queries_do_not_grow_with_applications(client, filing_call, alice, django_assert_max_num_queries):
    login(client, alice)
    make_draft(filing_call, alice, documents=False)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("dashboard"))
    for i in range(30):
        make_draft(filing_call, alice, title=f"Drug {i}", documents=False)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        page = client.get(reverse("dashboard")).content.decode()
    assert page.count("/edit/") == 0 and page.count("Drug ") >= 30
    assert len(many.captured_queries) == len(few.captured_queries)


def test_receipt_email_is_bilingual_and_sent_once(submitted, alice, bob, mailoutbox):
    event = submitted.events.get(action="submit")
    subject, body = render_event_email(event)
    assert submitted.receipt_number in subject
    assert "已收到" in body or "收到" in body or "received" in body
    assert "We received your application" in body
    assert send_event_email(event.pk) is True
    assert send_event_email(event.pk) is False  # a re-delivered task sends nothing more
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == sorted([alice.email, bob.email])


def test_return_email_carries_the_officers_reason(submitted, stcsm_officer, mailoutbox):
    workflow.transition(application=submitted, action="start_formal_check", by=stcsm_officer)
    workflow.transition(
        application=submitted, action="return_for_correction", by=stcsm_officer, reason="Sign the pledge on page 2."
    )
    event = submitted.events.get(action="return_for_correction")
    send_event_email(event.pk)
    assert "Sign the pledge on page 2." in mailoutbox[0].body


def test_password_login_works_for_a_member(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302


def test_applicant_sees_the_decision_and_the_award_but_not_the_commissions_internal_opinions(
    client, submitted, alice, django_capture_on_commit_callbacks
):
    from awards.services import award_compute

    with django_capture_on_commit_callbacks(execute=False):
        journeys.approve(submitted, reason="Meets the call.")
    award_compute(application_id=submitted.pk)
    login(client, alice)
    body = client.get(reverse("application-detail", args=[submitted.pk])).content.decode()
    assert "Decision" in body and "Meets the call." in body and "¥4,000,000" in body
    assert "Pass the formal check → Department review" in body
    assert "Reviewed." not in body  # the co-reviewers' opinion reasons stay inside the commissions
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "4,000,000" in dashboard


def test_a_program_with_one_unnamed_track_starts_a_draft_without_a_choice(client, catalogue, alice):
    from tests import registers

    call = registers.recognition_call(registers.AID)
    login(client, alice)
    response = client.post(f"{reverse('application-new')}?call={call.pk}", {"title": "Portable ventilator"})
    application = Application.objects.get(title="Portable ventilator")
    assert response.status_code == 302 and response["Location"] == reverse("application-edit", args=[application.pk])
    assert application.track.code == ""
    # Its form says what approval gives instead of estimating money.
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    estimate_url = reverse("application-estimate", args=[application.pk])
    assert "nothing is estimated" in page and 'id="estimate"' not in page and estimate_url not in page


def test_a_hospital_measure_tells_an_enterprise_who_may_apply_on_the_new_application_page(client, catalogue, alice):
    from tests import registers

    with registers.in_policy_a():
        call = registers.recognition_call(registers.BEDS)
        login(client, alice)
        response = client.post(
            f"{reverse('application-new')}?call={call.pk}", {"title": "Our beds"}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200
    assert "is for Public institution only; your organisation is registered as Enterprise." in response.content.decode()
    assert not Application.objects.filter(title="Our beds").exists()

"""Requests refused before any view reads them (portal/request_guards.py): an upload announced larger than the
limit is a 413 without a byte of its body read; a NUL in the address is a 400."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from applications.filing import sniff_upload
from applications.models import Attachment
from portal.errors import PortalError
from portal.request_guards import MAX_UPLOAD_BYTES
from tests.filings import make_draft, pdf

GIB = 1024**3


def upload_announcing(client, url: str, length: int, **extra):
    """A tiny multipart body whose Content-Length claims `length` bytes. Django's test payload refuses to be
    read past its real end, so a view or middleware that reads the body fails the test loudly."""
    return client.post(url, {"document_type": "approval", "file": pdf()}, CONTENT_LENGTH=str(length), **extra)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_upload_page_refuses_an_oversized_request_unread_in_the_users_language(
    client, filing_call, alice, language
):
    application = make_draft(filing_call, alice, documents=False)
    client.force_login(alice)
    client.cookies["django_language"] = language
    response = upload_announcing(client, reverse("attachment-upload", args=[application.pk]), GIB)
    assert response.status_code == 413
    page = response.content.decode()
    assert f"{GIB:,}" in page and f"{MAX_UPLOAD_BYTES:,}" in page
    assert ("This file is too large" if language == "en" else "文件过大") in page
    assert not Attachment.objects.filter(application=application).exists()


def test_the_api_refuses_an_oversized_upload_unread_with_a_413_json(filing_call, alice):
    application = make_draft(filing_call, alice, documents=False)
    api = APIClient()
    api.force_authenticate(alice)
    url = f"/api/v1/applications/{application.pk}/attachments/"
    response = upload_announcing(api, url, GIB, format="multipart")
    assert response.status_code == 413
    assert response.json()["code"] == "upload_too_large"
    assert f"{GIB:,}" in response.json()["detail"]
    assert not Attachment.objects.filter(application=application).exists()


def test_a_file_one_byte_over_the_limit_is_told_so_in_bytes():
    upload = SimpleUploadedFile("big.pdf", b"%PDF-1.4")
    upload.size = MAX_UPLOAD_BYTES + 1
    with pytest.raises(PortalError) as error:
        sniff_upload(upload)
    message = error.value.messages()[0]
    assert f"{MAX_UPLOAD_BYTES + 1:,}" in message and f"{MAX_UPLOAD_BYTES:,}" in message
    assert "20.0 MB" not in message


def test_a_nul_in_the_address_is_a_400(client, catalogue):
    assert client.get("/calls/", {"commission": "\x00"}).status_code == 400
    assert client.get("/api/v1/calls/", {"program": "\x00"}).json()["code"] == "invalid"

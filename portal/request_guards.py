"""Requests refused before any view reads them.

A NUL character in the address: PostgreSQL cannot compare text with NUL, so a filter fed one (the Django
admin's list filters do so with raw query values) fails with a 500. No address of the portal needs it: 400.

Requests too large to read: refused on their Content-Length, before a byte of the body is read.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves files out, so without this a 1 GiB upload is streamed to a
temporary file before the upload's size check refuses it. The limit is the upload limit
`MAX_UPLOAD_BYTES` (applications/filing.py checks each file against it), with room for the rest of a
multipart form (field names, boundaries, the CSRF token): a file within the limit always gets through to that
check and its message.
"""

from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
FORM_ALLOWANCE = 64 * 1024  # the multipart form around the file
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + FORM_ALLOWANCE


def too_large_message(size: int, *, limit: int = MAX_UPLOAD_BYTES) -> str:
    # In bytes: rounded to megabytes, a file one byte over the limit would read "20.0 MB; the limit is 20 MB".
    return _("The file is %(size)s bytes; at most %(limit)s bytes (%(limit_mb)s MB) are accepted.") % {
        "size": f"{size:,}",
        "limit": f"{limit:,}",
        "limit_mb": limit // (1024 * 1024),
    }


def _has_nul(request) -> bool:
    return "\x00" in request.path or any(
        "\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values
    )


class NulInAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _has_nul(request):
            return self.get_response(request)
        message = _("The address contains a character that is not allowed.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "code": "invalid"}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


class RequestSizeLimitMiddleware:
    """413 for a request that announces more than MAX_REQUEST_BYTES: JSON for the API, a page otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body from a request whose length it cannot parse
        if length <= MAX_REQUEST_BYTES:
            return self.get_response(request)
        message = too_large_message(length)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "code": "upload_too_large"}, status=413)
        return render(request, "portal/request_too_large.html", {"message": message}, status=413)

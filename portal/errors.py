"""One domain error type with stable codes, mapped to form errors and API 400s here and only here."""

from enum import StrEnum

from django import forms
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ErrorCode(StrEnum):
    INVALID = "invalid"
    REQUIRED = "required"
    UNKNOWN_PROGRAM = "unknown_program"
    UNKNOWN_TRACK = "unknown_track"
    TRACK_REQUIRED = "track_required"
    USCC_INVALID = "uscc_invalid"
    USCC_CHECKSUM = "uscc_checksum"
    USCC_NOT_SHANGHAI = "uscc_not_shanghai"
    POLICY_NOT_IN_FORCE = "policy_not_in_force"
    AMOUNTS_NOT_VERIFIED = "amounts_not_verified"
    CATALOGUE_INVALID = "catalogue_invalid"
    ILLEGAL_TRANSITION = "illegal_transition"
    NOT_ALLOWED = "not_allowed"
    CALL_CLOSED = "call_closed"
    LIMIT_REACHED = "limit_reached"
    MILESTONE_OUTSIDE_WINDOW = "milestone_outside_window"
    MISSING_DOCUMENTS = "missing_documents"
    INELIGIBLE = "ineligible"
    UPLOAD_REFUSED = "upload_refused"
    DUPLICATE_USCC = "duplicate_uscc"
    INVITATION_INVALID = "invitation_invalid"
    OPINIONS_MISSING = "opinions_missing"
    SCORES_MISSING = "scores_missing"
    BUDGET_NOT_CONFIRMED = "budget_not_confirmed"
    CONFLICT_NOT_DECLARED = "conflict_not_declared"
    BANNED = "banned"
    EMAIL_NOT_VERIFIED = "email_not_verified"
    LINK_INVALID = "link_invalid"
    ID_NUMBER_INVALID = "id_number_invalid"
    OBJECTION_DUPLICATE = "objection_duplicate"
    ANSWERS_MISSING = "answers_missing"
    APPLICANT_KIND = "applicant_kind"
    NOT_A_GRANT = "not_a_grant"
    ALREADY_LISTED = "already_listed"


class PortalError(Exception):
    """A refusal a person can act on.

    `errors` maps a field name (or None for the whole request) to messages, so one error can
    carry several field errors, as form validation does.
    """

    def __init__(self, code: ErrorCode, message: str = "", *, field: str | None = None, errors=None):
        self.code = code
        self.errors: dict[str | None, list] = errors if errors is not None else {field: [message]}
        super().__init__(message or str(self.errors))

    def as_api_data(self) -> dict:
        def plain(messages):
            # Nested fields (the facts of an estimate) keep their shape: {"facts": {"rd_spending": [...]}}.
            if isinstance(messages, dict):
                return {(key or "non_field_errors"): plain(value) for key, value in messages.items()}
            return [str(m) for m in messages]

        data = {(field or "non_field_errors"): plain(messages) for field, messages in self.errors.items()}
        data["code"] = str(self.code)
        return data

    def messages(self) -> list[str]:
        """Every message, flattened: for pages that answer with a redirect and flash them."""
        flat = []
        for messages in self.errors.values():
            if isinstance(messages, dict):
                messages = [m for sub in messages.values() for m in sub]
            flat += [str(m) for m in messages]
        return flat

    def flash(self, request) -> None:
        from django.contrib import messages

        for message in self.messages():
            messages.error(request, message)

    def add_to_form(self, form: forms.Form) -> None:
        for field, messages in self.errors.items():
            if isinstance(messages, dict):
                messages = [m for sub in messages.values() for m in sub]
            for message in messages:
                form.add_error(field if field in form.fields else None, message)


def api_exception_handler(exc, context):
    """A refusal by permission is a 403 (the pages answer 404 earlier, to those who may not see the object
    at all); every other refusal a 400 with its field errors."""
    if isinstance(exc, PortalError):
        code = status.HTTP_403_FORBIDDEN if exc.code == ErrorCode.NOT_ALLOWED else status.HTTP_400_BAD_REQUEST
        return Response(exc.as_api_data(), status=code)
    return exception_handler(exc, context)


class Refusal(str):
    """Why a `can_*` check says no. The string itself is the message a person reads (a flashed message, a
    PortalError, the API's detail), exactly as before codes existed; `code` is a stable name for the rule
    that refused, which no translation changes: tests and logs name the case by it."""

    code: str

    def __new__(cls, code: str, message: str):
        refusal = super().__new__(cls, message)
        refusal.code = code
        return refusal

    def __getnewargs__(self):
        # copy and pickle rebuild a str subclass from these arguments; the default passes the text alone.
        return (self.code, str(self))


def refuse(code: str, message: str) -> tuple[bool, Refusal]:
    """The answer of a `can_*` function that says no: `return refuse("frozen", _("…"))`."""
    return False, Refusal(code, message)

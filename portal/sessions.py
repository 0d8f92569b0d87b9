"""Sessions in the database (Django's own backend), where a database blip is a transient error.

Django answers 400 "session deleted" (SessionInterrupted) whenever saving a session at the end of a request
raises UpdateError, and its database backend raises UpdateError for any database error during the UPDATE:
a dropped connection too, though the session row is still there. Only "no row was updated" means the
session was deleted (signed out in another tab); anything else is answered as the outage it is: 503 with
Retry-After, in the request's language. Not retried in the response: the view's work is committed, the
connection is broken, and the next request gets a fresh one."""

import logging

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


class SessionStoreUnavailable(Exception):
    """The session could not be saved because the database did not answer (not because it is gone)."""


class SessionStore(db.SessionStore):
    def save(self, must_create=False):
        try:
            super().save(must_create=must_create)
        except UpdateError as error:
            # Django's backend raises UpdateError from inside `except DatabaseError`: the driver's error is
            # its context. "Forced update did not affect any rows" is Django's own DatabaseError.
            if isinstance(error.__context__, OperationalError | InterfaceError):
                raise SessionStoreUnavailable from error.__context__
            raise


class SessionMiddleware(DjangoSessionMiddleware):
    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except SessionStoreUnavailable as error:
            logger.warning("session not saved, the database did not answer: %s", error.__cause__)
            return try_again_response(request)


def try_again_response(request) -> HttpResponse:
    with translation.override(getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE):
        message = _("The portal could not finish your request just now. Please try again in a moment.")
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"detail": message, "code": "temporarily_unavailable"}, status=503)
    else:
        response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response

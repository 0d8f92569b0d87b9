"""What every API view shares: cursor pagination, the documented error answers, download negotiation."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import CursorPagination


class NewestFirst(CursorPagination):
    """Stable pages over growing lists: the cursor is the primary key, which never changes."""

    ordering = "-pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


FIELD_ERRORS = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='Malformed input or a refused step: {"<field>": ["message", ...], "code": "<error code>"}; '
    "messages for the whole request are under non_field_errors.",
)
FORBIDDEN = OpenApiResponse(
    OpenApiTypes.OBJECT, description="Not signed in, or not allowed to take this step on an object you can see."
)
NOT_FOUND = OpenApiResponse(OpenApiTypes.OBJECT, description="No such object, or one you may not see.")

# The answers every authenticated operation may give besides its success.
READ_ERRORS = {403: FORBIDDEN, 404: NOT_FOUND}
WRITE_ERRORS = {400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND}


class IgnoreClientContentNegotiation(BaseContentNegotiation):
    """For downloads: the answer is the file whatever the client accepts, and an error is JSON."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type

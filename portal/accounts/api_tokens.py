"""API tokens (django-rest-knox: several per person, only a hash stored, each with an expiry).

POST /api/v1/auth-token/ takes the user name and password, and for commission staff a code from their
authenticator app; the owner lists and revokes their tokens on /accounts/api-tokens/ and through
/api/v1/auth-tokens/. Who may have one at all: portal.accounts.permissions.can_obtain_api_token.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from portal.accounts.models import User
from portal.accounts.permissions import can_obtain_api_token
from portal.accounts.predicates import is_applicant, is_commission_staff
from portal.accounts.two_factor import confirmed_device
from portal.api import READ_ERRORS, WRITE_ERRORS
from portal.errors import ErrorCode, PortalError


def token_lifetime(user: User) -> timedelta:
    if is_applicant(user):
        return settings.API_TOKEN_TTL_APPLICANT
    return settings.API_TOKEN_TTL_STAFF


def api_token_issue(*, user: User, code: str | None = None) -> tuple[AuthToken, str]:
    """A new token for `user`, whose password was checked; (row, the token in clear, shown once)."""
    allowed, reason = can_obtain_api_token(user)
    if not allowed:
        raise PortalError(ErrorCode.NOT_ALLOWED, reason)
    device = confirmed_device(user)
    # Commission staff read and decide on other people's files: their token needs the second factor.
    if is_commission_staff(user) or device is not None:
        if device is None:
            raise PortalError(
                ErrorCode.NOT_ALLOWED,
                _(
                    "Commission staff need two-factor sign-in for an API token. Set it up in the portal first "
                    "(“Two-factor sign-in” in your account menu), then ask again with a code from the app."
                ),
            )
        if not code:
            raise PortalError(
                ErrorCode.REQUIRED, _("Enter the six-digit code from your authenticator app."), field="code"
            )
        # verify_token throttles repeated failures itself (growing delay per wrong code).
        if not device.verify_token(code):
            raise PortalError(ErrorCode.INVALID, _("The code is wrong or has expired."), field="code")
    return AuthToken.objects.create(user=user, expiry=token_lifetime(user))


def tokens_of(user: User) -> QuerySet[AuthToken]:
    """The owner's tokens still in force, newest first (knox deletes expired ones as it meets them)."""
    return AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")


def api_token_revoke(*, user: User, token_key: str) -> int:
    """Revoke the owner's token that starts with `token_key`; someone else's is not found (0)."""
    deleted, _rows = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    return deleted


# --- the API -----------------------------------------------------------------------------------------


class TokenRequestSerializer(AuthTokenSerializer):
    # DRF's serializer checks the password through authenticate(request=...), so django-axes counts failures.
    code = serializers.CharField(
        label=gettext_lazy("Code from the authenticator app"),
        required=False,
        allow_blank=True,
        max_length=12,
        write_only=True,
        help_text=gettext_lazy("Required of commission staff: the six-digit code their authenticator app shows."),
    )


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuthToken
        fields = ["token_key", "created", "expiry"]
        extra_kwargs = {"token_key": {"help_text": gettext_lazy("The token's first characters: its name here.")}}


class AuthTokenView(GenericAPIView):
    """A token for a user name and password (and, for commission staff, a code from the app)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
    parser_classes = [FormParser, MultiPartParser, JSONParser]
    renderer_classes = [JSONRenderer]
    serializer_class = TokenRequestSerializer

    @extend_schema(
        responses={
            200: inline_serializer(
                "IssuedToken", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
            ),
            **WRITE_ERRORS,
        }
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row, token = api_token_issue(user=serializer.validated_data["user"], code=serializer.validated_data.get("code"))
        return Response({"token": token, "expiry": row.expiry})


class OwnTokenListView(ListAPIView):
    """The caller's tokens still in force."""

    serializer_class = TokenSerializer
    pagination_class = None

    def get_queryset(self):
        return tokens_of(self.request.user)

    @extend_schema(responses={200: TokenSerializer(many=True), **READ_ERRORS})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class OwnTokenDetailView(GenericAPIView):
    """Revoke one of the caller's tokens (another person's answers 404)."""

    serializer_class = TokenSerializer

    @extend_schema(responses={204: None, **READ_ERRORS})
    def delete(self, request, token_key: str):
        if not api_token_revoke(user=request.user, token_key=token_key):
            return Response({"detail": _("No such token.")}, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)

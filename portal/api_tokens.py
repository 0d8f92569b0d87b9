"""API tokens (POST /api/v1/auth-token/): username and password in, a token out."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from portal.api import WRITE_ERRORS
from portal.errors import ErrorCode, PortalError
from portal.two_factor import confirmed_device, two_factor_required


class AuthTokenView(ObtainAuthToken):
    """A token carries no second factor, so accounts that sign in with one get none: otherwise a stolen
    administrator password alone would open the API."""

    @extend_schema(responses={200: {"type": "object", "properties": {"token": {"type": "string"}}}, **WRITE_ERRORS})
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if two_factor_required(user) or confirmed_device(user) is not None:
            raise PortalError(
                ErrorCode.NOT_ALLOWED, _("Accounts with two-factor sign-in use the portal, not API tokens.")
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

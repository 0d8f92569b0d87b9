"""The verification page of a letter or certificate in the API (issue 17): GET what it states and whether it is in
force, POST a PDF to check it against the issued one. Public and throttled, with the page's counter."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from awards import verification
from awards.models import Letter, LetterKind
from awards.throttles import VerifyThrottle
from portal.api import FIELD_ERRORS, NOT_FOUND
from portal.bilingual import localized

THROTTLED = OpenApiResponse(OpenApiTypes.OBJECT, description="Too many lookups from your address; see Retry-After.")


class VerificationSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text="The letter (or certificate) number.")
    kind = serializers.ChoiceField(choices=LetterKind.choices)
    kind_label = serializers.CharField()
    commission = serializers.CharField(help_text="The issuing commission's name.")
    recipient = serializers.CharField(help_text="The organisation's name.")
    program = serializers.CharField(help_text="The support measure's title.")
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, help_text="Yuan granted (an award letter's only)."
    )
    granted = serializers.BooleanField(help_text="False for a rejection.")
    subject = serializers.CharField(allow_null=True, help_text="What a certificate lists.")
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)
    issued_on = serializers.DateField()
    sha256 = serializers.CharField(help_text="SHA-256 of the issued (sealed) PDF, in hex.")
    in_force = serializers.BooleanField()
    revoked_on = serializers.DateField(allow_null=True)
    revoked_because = serializers.CharField(allow_blank=True, help_text="The cause of the revocation, in words.")
    revoked_reason = serializers.CharField(allow_blank=True)
    expired = serializers.BooleanField(help_text="A certificate past its period of validity.")


class SealSerializer(serializers.Serializer):
    signed = serializers.BooleanField()
    intact = serializers.BooleanField()
    whole_document = serializers.BooleanField()
    trusted = serializers.BooleanField()
    valid = serializers.BooleanField()
    signer = serializers.CharField(allow_blank=True, help_text="The sealing commission's name, or the subject.")
    demo = serializers.BooleanField()


class PdfCheckSerializer(serializers.Serializer):
    identical = serializers.BooleanField(help_text="Byte for byte the issued PDF.")
    sha256 = serializers.CharField()
    seal = SealSerializer()


class PdfUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The PDF to check (at most 10 MB).")


def verification_data(letter: Letter) -> dict:
    c, standing = letter.content, verification.standing(letter)
    entry = c.get("entry") or {}
    return {
        "reference": letter.reference,
        "kind": letter.kind,
        "kind_label": letter.get_kind_display(),
        "commission": localized(c["commission"], "name"),
        "recipient": c["organisation"]["name"],
        "program": localized(c["program"], "title"),
        "amount": (c.get("award") or {}).get("amount"),
        "granted": letter.kind != LetterKind.REJECTION,
        "subject": entry.get("subject"),
        "valid_from": entry.get("valid_from"),
        "valid_to": entry.get("valid_to"),
        "issued_on": letter.issued_on,
        "sha256": letter.sha256,
        "in_force": standing.in_force,
        "revoked_on": letter.revoked_on,
        "revoked_because": standing.cause,
        "revoked_reason": standing.reason,
        "expired": standing.expired,
    }


class VerifyView(APIView):
    """A letter or certificate by the verification token printed on it (404 for an unknown one)."""

    permission_classes = [AllowAny]
    authentication_classes = []  # public: no session, so no CSRF token is needed
    throttle_classes = [VerifyThrottle]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="verify_retrieve",
        summary="What a letter or certificate states and whether it is in force (public)",
        responses={200: VerificationSerializer, 404: NOT_FOUND, 429: THROTTLED},
    )
    def get(self, request, token, *args, **kwargs):
        letter = verification.letter_by_token(token)
        return Response(VerificationSerializer(verification_data(letter)).data)

    @extend_schema(
        operation_id="verify_check",
        summary="Check a PDF against the issued one: byte for byte, and its seal (public; nothing is stored)",
        request={"multipart/form-data": PdfUploadSerializer},
        responses={200: PdfCheckSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND, 429: THROTTLED},
    )
    def post(self, request, token, *args, **kwargs):
        letter = verification.letter_by_token(token)
        check = verification.pdf_check(letter=letter, upload=request.FILES.get("file"))
        seal = check.seal
        data = {
            "identical": check.identical,
            "sha256": check.sha256,
            "seal": {
                "signed": seal.signed,
                "intact": seal.intact,
                "whole_document": seal.whole_document,
                "trusted": seal.trusted,
                "valid": seal.valid,
                "signer": verification.signer_name(seal),
                "demo": seal.demo,
            },
        }
        return Response(PdfCheckSerializer(data).data)

"""Awards in the API: the estimate of SPEC §6 (public), the awards a user may see, and letter downloads."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from awards import reports, selectors
from awards.estimates import EstimateRequestSerializer, estimate_from_payload
from awards.models import Award
from portal.api import READ_ERRORS, IgnoreClientContentNegotiation, NewestFirst


class AwardEstimateView(APIView):
    """What a program would pay for the given facts (SPEC §6). Public and throttled."""

    permission_classes = [AllowAny]
    authentication_classes = []  # public: no session, so no CSRF token is needed
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "estimate"

    @extend_schema(
        request=EstimateRequestSerializer,
        responses={200: dict, 400: dict},
        examples=[
            OpenApiExample(
                "Phase 2 innovative drug",
                value={
                    "program": "BIO21-DRUG-INNOVATIVE",
                    "track": "phase_2",
                    "facts": {
                        "rd_spending": "10000000",
                        "drug_category": "chemical",
                        "class_1": True,
                        "made_in_shanghai": True,
                        "milestone_date": "2023-03-01",
                    },
                    "context": {"awarded_this_year": "0", "awarded_in_overlap_group": "0", "call_budget_left": None},
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        return Response(estimate_from_payload(request.data))


class AwardSerializer(serializers.ModelSerializer):
    receipt_number = serializers.CharField(source="application.receipt_number", allow_null=True)
    organisation = serializers.CharField(source="organisation.name")
    program = serializers.CharField(source="program.code")
    call = serializers.IntegerField(source="call_id")
    state_label = serializers.CharField(source="get_state_display")
    breakdown = serializers.DictField(help_text="The engine's breakdown as computed, in both languages.")
    letter = serializers.SerializerMethodField(
        help_text="The decision letter's id once issued (download: letters/{id}/pdf/)."
    )

    class Meta:
        model = Award
        fields = [
            "id",
            "application",
            "receipt_number",
            "organisation",
            "program",
            "call",
            "year",
            "amount",
            "state",
            "state_label",
            "breakdown",
            "catalogue_version",
            "computed_at",
            "notice_from",
            "notice_until",
            "confirmed_at",
            "paid",
            "clawed_back",
            "letter",
        ]
        read_only_fields = fields

    def get_letter(self, award) -> int | None:
        letter = getattr(award, "letter", None)
        return letter.pk if letter is not None and letter.pdf else None


@extend_schema_view(
    list=extend_schema(
        summary="The awards you may see", responses={200: AwardSerializer(many=True), 403: READ_ERRORS[403]}
    ),
    retrieve=extend_schema(summary="One award", responses={200: AwardSerializer, **READ_ERRORS}),
)
class AwardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AwardSerializer
    pagination_class = NewestFirst
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.visible_awards(self.request.user).select_related("letter")


class LetterPdfView(APIView):
    """A decision letter's PDF, to the organisation's members and the officers it was routed to (404 to others)."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = IgnoreClientContentNegotiation

    @extend_schema(
        operation_id="letters_pdf",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The letter as PDF."),
            **READ_ERRORS,
        },
    )
    def get(self, request, pk, *args, **kwargs):
        letter = selectors.get_letter_for_user(request.user, pk)
        return FileResponse(letter.pdf.open("rb"), as_attachment=True, filename=f"{letter.reference}.pdf")


class PivotCellSerializer(serializers.Serializer):
    row = serializers.CharField()
    year = serializers.IntegerField()
    awarded = serializers.DecimalField(max_digits=18, decimal_places=2)


class AwardReportSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    awarded = serializers.DecimalField(max_digits=18, decimal_places=2)
    paid = serializers.DecimalField(max_digits=18, decimal_places=2)
    clawed_back = serializers.DecimalField(max_digits=18, decimal_places=2)
    by_program_year = PivotCellSerializer(many=True)
    by_district_year = PivotCellSerializer(many=True)


class AwardReportView(APIView):
    """Totals and pivots of the award report, with the report page's filters (administrators)."""

    @extend_schema(
        parameters=[
            OpenApiParameter(name, OpenApiTypes.STR, required=False)
            for name in ["policy", "program", "call", "commission", "district", "year", "state"]
        ],
        responses={200: AwardReportSerializer, 400: OpenApiTypes.OBJECT, **READ_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        allowed, reason = reports.can_view_reports(request.user)
        if not allowed:
            raise PermissionDenied(reason)
        report = reports.AwardReportFilter(request.query_params, queryset=reports.report_awards(request.user))
        if not report.is_valid():
            raise ValidationError(report.errors)
        queryset = report.qs

        def cells(field):
            _rows, _years, values = reports.pivot(queryset, field)
            return [{"row": row, "year": year, "awarded": total} for (row, year), total in sorted(values.items())]

        data = {
            **reports.totals(queryset),
            "by_program_year": cells("program__code"),
            "by_district_year": cells("organisation__district"),
        }
        return Response(AwardReportSerializer(data).data)

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from awards.estimates import EstimateRequestSerializer, estimate_from_payload


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
                    "facts": {"rd_spending": "10000000", "drug_category": "chemical", "made_in_shanghai": True},
                    "context": {"awarded_this_year": "0", "awarded_in_overlap_group": "0", "call_budget_left": None},
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        return Response(estimate_from_payload(request.data))

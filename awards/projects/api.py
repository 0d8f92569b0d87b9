"""Projects in the API, with the permissions of the pages: the projects one may see (`selectors.visible_projects`,
404 for any other), the task statement, progress reports, variations, acceptance, and the Finance Bureau's
instalments. Reads through selectors.py, writes through the same services as the pages, whose PortalError the
exception handler turns into a 400 with field errors (a refusal by permission into a 403)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from awards.projects import acceptance, agenda, documents, instalments, progress, selectors, statements, variations
from awards.projects.forms import RETURN
from awards.projects.models import (
    AcceptanceOutcome,
    Instalment,
    ProgressReport,
    Project,
    ProjectDocument,
    Variation,
    VariationKind,
)
from awards.projects.terms import MAX_ROWS
from portal.amounts import AmountSerializerField
from portal.api import FORBIDDEN, READ_ERRORS, WRITE_ERRORS, NewestFirst
from portal.bilingual import localized

ACCEPT, RETURN_FOR_CORRECTION = "accept", "return"

# --- what the API answers -------------------------------------------------------------------------------


class DueSerializer(serializers.Serializer):
    who = serializers.ChoiceField(choices=[agenda.ENTERPRISE, agenda.COMMISSION])
    what = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)


class ProjectSerializer(serializers.ModelSerializer):
    receipt_number = serializers.CharField(source="application.receipt_number", allow_null=True)
    organisation = serializers.CharField(source="organisation.name")
    program = serializers.CharField(source="program.code")
    award = serializers.IntegerField(source="award_id")
    amount = serializers.DecimalField(source="award.amount", max_digits=16, decimal_places=2)
    paid = serializers.DecimalField(source="award.paid", max_digits=16, decimal_places=2)
    state_label = serializers.CharField(source="get_state_display")
    next_due = serializers.SerializerMethodField(help_text="The first thing the project waits for, from whom, by when.")

    class Meta:
        model = Project
        fields = [
            "id",
            "application",
            "receipt_number",
            "award",
            "organisation",
            "program",
            "title",
            "state",
            "state_label",
            "amount",
            "paid",
            "statement_due_on",
            "review_due_on",
            "ends_on",
            "next_due",
        ]
        read_only_fields = fields

    @extend_schema_field(DueSerializer(allow_null=True))
    def get_next_due(self, project) -> dict | None:
        items = agenda.agenda(project)
        return DueSerializer(items[0]).data if items else None


class InstalmentSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id")
    label = serializers.SerializerMethodField()
    condition_label = serializers.SerializerMethodField()
    payable = serializers.SerializerMethodField()
    why_not = serializers.SerializerMethodField(help_text="Why it cannot be paid today; null when it can.")
    paid_on = serializers.DateField(source="payment.paid_on", allow_null=True, default=None)

    class Meta:
        model = Instalment
        fields = [
            "id",
            "project",
            "number",
            "label",
            "percent",
            "amount",
            "condition",
            "condition_label",
            "report_number",
            "due_from",
            "state",
            "payable",
            "why_not",
            "paid_on",
        ]
        read_only_fields = fields

    def get_label(self, instalment) -> str:
        return localized(instalment, "label")

    def get_condition_label(self, instalment) -> str:
        return instalments.condition_text(instalment)

    def get_why_not(self, instalment) -> str | None:
        return instalments.why_not_payable(instalment)

    def get_payable(self, instalment) -> bool:
        return instalments.why_not_payable(instalment) is None


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectDocument
        fields = ["id", "kind", "original_name", "content_type", "size", "sha256", "uploaded_at"]
        read_only_fields = fields


class ReportSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id")
    values = serializers.DictField(child=serializers.CharField(allow_blank=True))
    documents = DocumentSerializer(many=True)

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "project",
            "number",
            "key",
            "label",
            "due_on",
            "state",
            "values",
            "narrative",
            "filed_at",
            "filed_late",
            "review_due_on",
            "reviewed_at",
            "return_reason",
            "documents",
        ]
        read_only_fields = fields


class VariationSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id")
    change = serializers.DictField()

    class Meta:
        model = Variation
        fields = [
            "id",
            "project",
            "kind",
            "change",
            "grounds",
            "state",
            "requested_at",
            "review_due_on",
            "decided_at",
            "decision_reason",
        ]
        read_only_fields = fields


class ProjectDetailSerializer(ProjectSerializer):
    statement = serializers.DictField(help_text="The working copy of the task statement.")
    version = serializers.IntegerField(source="version.number", allow_null=True, default=None)
    accepted_statement = serializers.DictField(
        source="version.content", allow_null=True, default=None, help_text="The version in force, frozen."
    )
    instalments = InstalmentSerializer(many=True)
    reports = ReportSerializer(many=True)
    variations = VariationSerializer(many=True)
    conditions = serializers.CharField()

    class Meta(ProjectSerializer.Meta):
        fields = [
            *ProjectSerializer.Meta.fields,
            "statement",
            "version",
            "accepted_statement",
            "instalments",
            "reports",
            "variations",
            "conditions",
        ]
        read_only_fields = fields


# --- what the API takes ----------------------------------------------------------------------------------


def _text(max_length: int, **kwargs):
    return serializers.CharField(max_length=max_length, required=False, allow_blank=True, default="", **kwargs)


class LeadSerializer(serializers.Serializer):
    name = _text(100)
    phone = _text(40)
    email = _text(254)


class IndicatorInSerializer(serializers.Serializer):
    name = _text(200)
    unit = _text(40)
    target = _text(100)


class MilestoneInSerializer(serializers.Serializer):
    label = _text(200)
    due_on = _text(10, help_text="YYYY-MM-DD (checked when the statement is submitted).")


class StatementInSerializer(serializers.Serializer):
    goals = _text(4000)
    lead = LeadSerializer(required=False)
    indicators = serializers.ListField(child=IndicatorInSerializer(), max_length=MAX_ROWS, required=False)
    milestones = serializers.ListField(child=MilestoneInSerializer(), max_length=MAX_ROWS, required=False)


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[ACCEPT, RETURN_FOR_CORRECTION])
    reason = _text(4000, help_text="Required to return.")


class ReportFileSerializer(serializers.Serializer):
    values = serializers.DictField(
        child=serializers.CharField(max_length=100, allow_blank=True), help_text="Indicator key -> value reached."
    )
    narrative = _text(4000)


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, JPEG or PNG, at most 20 MB.")


class VariationRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=VariationKind.choices)
    change = serializers.DictField(
        child=serializers.CharField(max_length=254, allow_blank=True),
        help_text="extend_milestone: milestone, due_on; change_lead: name, phone, email; "
        "change_indicator: indicator, name, unit, target.",
    )
    grounds = _text(4000)


class VariationDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "refuse"])
    reason = _text(4000, help_text="Required to refuse.")


class AcceptanceApplySerializer(serializers.Serializer):
    summary = _text(4000)
    audited_spending = AmountSerializerField(help_text="Spending as audited, in yuan.")
    achieved = serializers.DictField(
        child=serializers.CharField(max_length=100, allow_blank=True), help_text="Indicator key -> value reached."
    )


class AcceptanceDecisionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[*AcceptanceOutcome.values, RETURN])
    reasons = _text(4000)
    conditions = _text(4000)
    fraud = serializers.BooleanField(required=False, default=False)


class PaySerializer(serializers.Serializer):
    paid_on = serializers.DateField()
    reference = _text(100)


def _valid(request, serializer_class) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- the views -------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="The projects you may see", responses={200: ProjectSerializer(many=True), 403: FORBIDDEN}
    ),
    retrieve=extend_schema(summary="One project", responses={200: ProjectDetailSerializer, **READ_ERRORS}),
)
class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ProjectSerializer
    pagination_class = NewestFirst
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.with_agenda(selectors.visible_projects(self.request.user))

    def get_object(self) -> Project:
        return selectors.get_project_for_user(self.request.user, self.kwargs["pk"])

    def _answer(self) -> Response:
        """The project as it is now, read again (a step changed it)."""
        return Response(ProjectDetailSerializer(self.get_object()).data)

    def retrieve(self, request, *args, **kwargs):
        return self._answer()

    @extend_schema(
        summary="Save the task statement's draft",
        request=StatementInSerializer,
        responses={200: ProjectDetailSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def statement(self, request, pk=None):
        data = _valid(request, StatementInSerializer)
        statements.statement_save(project=self.get_object(), by=request.user, content=data)
        return self._answer()

    @extend_schema(
        summary="Submit the task statement", request=None, responses={200: ProjectDetailSerializer, **WRITE_ERRORS}
    )
    @action(detail=True, methods=["post"], url_path="statement/submit")
    def submit_statement(self, request, pk=None):
        statements.statement_submit(project=self.get_object(), by=request.user)
        return self._answer()

    @extend_schema(
        summary="Accept the task statement or return it (lead commission)",
        request=DecisionSerializer,
        responses={200: ProjectDetailSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="statement/decide")
    def decide_statement(self, request, pk=None):
        project = self.get_object()
        data = _valid(request, DecisionSerializer)
        if data["decision"] == ACCEPT:
            statements.statement_accept(project=project, by=request.user)
        else:
            statements.statement_return(project=project, by=request.user, reason=data["reason"])
        return self._answer()

    @extend_schema(
        summary="Ask for a variation",
        request=VariationRequestSerializer,
        responses={201: VariationSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="variations")
    def request_variation(self, request, pk=None):
        data = _valid(request, VariationRequestSerializer)
        variation = variations.variation_request(
            project=self.get_object(),
            by=request.user,
            kind=data["kind"],
            change=data["change"],
            grounds=data["grounds"],
        )
        return Response(VariationSerializer(variation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Upload the final report or the audit report",
        request={"multipart/form-data": UploadSerializer},
        responses={201: DocumentSerializer, **WRITE_ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"acceptance/documents/(?P<kind>final_report|audit_report)",
        parser_classes=[MultiPartParser, FormParser],
    )
    def acceptance_document(self, request, pk=None, kind=None):
        data = _valid(request, UploadSerializer)
        document = documents.acceptance_document_add(
            project=self.get_object(), kind=kind, upload=data["file"], by=request.user
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Apply for acceptance",
        request=AcceptanceApplySerializer,
        responses={200: ProjectDetailSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="acceptance")
    def apply_for_acceptance(self, request, pk=None):
        data = _valid(request, AcceptanceApplySerializer)
        acceptance.acceptance_apply(
            project=self.get_object(),
            by=request.user,
            summary=data["summary"],
            audited_spending=data["audited_spending"],
            achieved=data["achieved"],
        )
        return self._answer()

    @extend_schema(
        summary="Decide the acceptance, or return it (lead commission)",
        request=AcceptanceDecisionSerializer,
        responses={200: ProjectDetailSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="acceptance/decide")
    def decide_acceptance(self, request, pk=None):
        project = self.get_object()
        data = _valid(request, AcceptanceDecisionSerializer)
        if data["outcome"] == RETURN:
            acceptance.acceptance_return(project=project, by=request.user, reason=data["reasons"])
        else:
            acceptance.acceptance_decide(
                project=project,
                by=request.user,
                outcome=data["outcome"],
                reasons=data["reasons"],
                conditions=data["conditions"],
                fraud=data["fraud"],
            )
        return self._answer()


@extend_schema_view(
    retrieve=extend_schema(summary="One progress report", responses={200: ReportSerializer, **READ_ERRORS})
)
class ProjectReportViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReportSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        projects = selectors.visible_projects(self.request.user)
        return ProgressReport.objects.filter(project__in=projects.values("pk")).prefetch_related("documents")

    def get_object(self) -> ProgressReport:
        report = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if report is None:
            raise Http404
        report.project = selectors.get_project_for_user(self.request.user, report.project_id)
        return report

    def _answer(self, report) -> Response:
        return Response(ReportSerializer(self.get_queryset().get(pk=report.pk)).data)

    @extend_schema(
        summary="File the report", request=ReportFileSerializer, responses={200: ReportSerializer, **WRITE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def file(self, request, pk=None):
        report = self.get_object()
        data = _valid(request, ReportFileSerializer)
        progress.report_file(report=report, by=request.user, values=data["values"], narrative=data["narrative"])
        return self._answer(report)

    @extend_schema(
        summary="Attach evidence to the report",
        request={"multipart/form-data": UploadSerializer},
        responses={201: DocumentSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request, pk=None):
        report = self.get_object()
        data = _valid(request, UploadSerializer)
        document = documents.evidence_add(report=report, upload=data["file"], by=request.user)
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Accept the report or return it (lead commission)",
        request=DecisionSerializer,
        responses={200: ReportSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        report = self.get_object()
        data = _valid(request, DecisionSerializer)
        if data["decision"] == ACCEPT:
            progress.report_accept(report=report, by=request.user)
        else:
            progress.report_return(report=report, by=request.user, reason=data["reason"])
        return self._answer(report)


@extend_schema_view(
    retrieve=extend_schema(summary="One variation", responses={200: VariationSerializer, **READ_ERRORS})
)
class ProjectVariationViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = VariationSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return Variation.objects.filter(project__in=selectors.visible_projects(self.request.user).values("pk"))

    @extend_schema(
        summary="Approve or refuse the variation (lead commission)",
        request=VariationDecisionSerializer,
        responses={200: VariationSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        variation = self.get_object()
        data = _valid(request, VariationDecisionSerializer)
        if data["decision"] == "approve":
            variations.variation_approve(variation=variation, by=request.user, reason=data["reason"])
        else:
            variations.variation_refuse(variation=variation, by=request.user, reason=data["reason"])
        return Response(VariationSerializer(self.get_queryset().get(pk=variation.pk)).data)


@extend_schema_view(
    list=extend_schema(
        summary="Instalments to pay (Finance Bureau)", responses={200: InstalmentSerializer(many=True), 403: FORBIDDEN}
    ),
    retrieve=extend_schema(summary="One instalment to pay", responses={200: InstalmentSerializer, **READ_ERRORS}),
)
class InstalmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = InstalmentSerializer
    pagination_class = NewestFirst
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.due_instalments(self.request.user).select_related("payment")

    @extend_schema(
        summary="Pay the instalment (refused with the reason while its condition does not hold)",
        request=PaySerializer,
        responses={200: InstalmentSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        instalment = self.get_object()
        data = _valid(request, PaySerializer)
        instalments.instalment_pay(
            instalment=instalment, by=request.user, paid_on=data["paid_on"], reference=data["reference"]
        )
        paid = Instalment.objects.select_related("payment", "project__award__letter").prefetch_related(
            "project__reports"
        )
        return Response(InstalmentSerializer(paid.get(pk=instalment.pk)).data)

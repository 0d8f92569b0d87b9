"""The enterprise side and the officers' steps in the API (SPEC §7): organisations/me, calls, applications.

Thin views: every read goes through `applications.selectors` (one object through `get_application_for_user`,
404 to anyone who may not see it), every write through `applications.filing` or `workflow.transition`, whose
PortalError the exception handler turns into a 400 with field errors (a refusal by permission into a 403).
"""

import django_filters
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import alerts, broadcasts, filing, permissions, selectors, workflow
from applications.facts import untypable_facts
from applications.forms import CallFilter
from applications.models import AlertCriterion, Application, Attachment, Broadcast, Call, CallAlert, State
from portal.accounts.models import Organisation
from portal.accounts.selectors import get_organisation_for_user
from portal.amounts import AmountSerializerField
from portal.api import FORBIDDEN, NOT_FOUND, READ_ERRORS, WRITE_ERRORS, NewestFirst
from portal.bilingual import localized

# The officers' steps the API takes through `transitions/`. The applicant's own steps have their endpoints
# (submit/, withdraw/); reopening after an objection belongs to the notice's objection handling.
OFFICER_ACTIONS = [
    workflow.Action.START_FORMAL_CHECK,
    workflow.Action.PASS_FORMAL_CHECK,
    workflow.Action.RETURN_FOR_CORRECTION,
    workflow.Action.SEND_TO_EXPERTS,
    workflow.Action.APPROVE,
    workflow.Action.REJECT,
]
CHECKLIST_ACTIONS = {workflow.Action.PASS_FORMAL_CHECK, workflow.Action.RETURN_FOR_CORRECTION}
MAX_FACTS = 50


# --- organisations/me ------------------------------------------------------------------------------


class OrganisationSerializer(serializers.ModelSerializer):
    # Optional on the model, so often blank: not an e-mail address then.
    contact_email = serializers.CharField(help_text="E-mail address, or empty.")

    class Meta:
        model = Organisation
        fields = [
            "id",
            "uscc",
            "name",
            "kind",
            "district",
            "contact_name",
            "contact_phone",
            "contact_email",
            "credit_flag",
            "banned_until",
        ]
        read_only_fields = fields


class OrganisationMeView(APIView):
    """The organisation the signed-in enterprise user files for (404 for anyone without one)."""

    @extend_schema(operation_id="organisations_me", responses={200: OrganisationSerializer, **READ_ERRORS})
    def get(self, request, *args, **kwargs):
        return Response(OrganisationSerializer(get_organisation_for_user(request.user)).data)


# --- calls ------------------------------------------------------------------------------------------


class AskedFactSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField(help_text="money, bool, choice, multichoice, text or date.")
    required = serializers.SerializerMethodField()
    label = serializers.SerializerMethodField()
    choices = serializers.SerializerMethodField(help_text="The values a choice or multichoice fact takes.")

    def get_required(self, definition) -> bool:
        return not definition.get("optional", False)

    def get_label(self, definition) -> str:
        return localized(definition, "label")

    def get_choices(self, definition) -> list[str]:
        return [c["value"] for c in definition.get("choices", [])]


class AskedDocumentSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.SerializerMethodField()

    def get_label(self, document) -> str:
        return localized(document, "label")


class TrackSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Empty where the program has one track.")
    title = serializers.SerializerMethodField()
    facts = AskedFactSerializer(
        source="fact_schema", many=True, help_text="What an application on this track declares, and only that."
    )
    documents = AskedDocumentSerializer(source="document_types", many=True, help_text="The documents it attaches.")

    def get_title(self, track) -> str:
        return localized(track, "title")


class UnitSerializer(serializers.Serializer):
    code = serializers.CharField(source="commission.code")
    name = serializers.SerializerMethodField()

    def get_name(self, row) -> str:
        return localized(row.commission, "name")


class CallSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    program = serializers.CharField(source="program.code")
    program_title = serializers.SerializerMethodField()
    kind = serializers.CharField(source="program.kind")
    lead = serializers.CharField(source="program.lead.code", help_text="The lead commission's code.")
    units = UnitSerializer(
        source="program.unit_rows",
        many=True,
        help_text="Every responsible unit the program's clause names, in the clause's order; the first leads.",
    )
    reviewers = serializers.SlugRelatedField(
        source="program.co_reviewers",
        slug_field="code",
        many=True,
        read_only=True,
        help_text="The units that give an opinion (the Finance Bureau confirms the budget instead).",
    )
    citation = serializers.CharField(source="program.citation", help_text="The clause the program is, or its area.")
    tracks = TrackSerializer(source="program.tracks", many=True)

    class Meta:
        model = Call
        fields = [
            "id",
            "year",
            "title",
            "title_en",
            "title_zh",
            "program",
            "program_title",
            "kind",
            "citation",
            "lead",
            "units",
            "reviewers",
            "tracks",
            "opens_at",
            "closes_at",
            "budget",
            "uses_expert_review",
            "max_applications_per_applicant",
            "milestone_windows",
        ]
        read_only_fields = fields

    def get_title(self, call) -> str:
        return localized(call, "title")

    def get_program_title(self, call) -> str:
        return localized(call.program, "title")


class OpenCallsFirstToClose(NewestFirst):
    ordering = ("closes_at", "pk")


class BroadcastSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username")

    class Meta:
        model = Broadcast
        fields = ["id", "call", "author", "subject", "body", "created_at", "recipient_count"]


class BroadcastInputSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=5000)


@extend_schema_view(
    list=extend_schema(
        summary="Open calls, or announced ones with status=upcoming (public)",
        responses={200: CallSerializer(many=True)},
    ),
    retrieve=extend_schema(summary="One open call (public)", responses={200: CallSerializer, 404: NOT_FOUND}),
)
class CallViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [AllowAny]
    serializer_class = CallSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CallFilter
    pagination_class = OpenCallsFirstToClose
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        # Open and announced calls; `CallFilter` keeps the open ones unless `status=upcoming` is asked.
        return selectors.listed_calls().prefetch_related(
            "program__tracks", "program__unit_rows__commission", "program__co_reviewers"
        )

    @extend_schema(
        methods=["GET"],
        summary="The lead commission's announcements to the call's applicants (its officers, administrators)",
        request=None,
        responses={200: BroadcastSerializer(many=True), **READ_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Announce to every applicant of the call (the lead commission's officers)",
        request=BroadcastInputSerializer,
        responses={201: BroadcastSerializer, **WRITE_ERRORS},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        permission_classes=[IsAuthenticated],
        pagination_class=None,
        filter_backends=[],
    )
    def broadcasts(self, request, pk=None):
        # Any call, open or closed (a deadline moved after closing is news too); 404 to those who may not see.
        call = get_object_or_404(Call.objects.select_related("program"), pk=pk)
        if not permissions.can_view_broadcasts(request.user, call)[0]:
            raise Http404
        if request.method == "GET":
            return Response(BroadcastSerializer(broadcasts.broadcasts_of(call), many=True).data)
        serializer = BroadcastInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        broadcast = broadcasts.broadcast_send(call=call, by=request.user, **serializer.validated_data)
        return Response(BroadcastSerializer(broadcast).data, status=status.HTTP_201_CREATED)


# --- applications -------------------------------------------------------------------------------------


class ApplicationSerializer(serializers.ModelSerializer):
    call = serializers.IntegerField(source="call_id")
    program = serializers.CharField(source="call.program.code")
    track = serializers.CharField(source="track.code")
    organisation = serializers.IntegerField(source="organisation_id")
    state_label = serializers.CharField(source="get_state_display")
    facts = serializers.DictField(source="draft_facts", help_text="The working copy's facts, as typed.")
    version = serializers.IntegerField(source="current_version.number", allow_null=True, default=None)
    facts_asked = serializers.SerializerMethodField(help_text="The facts the application's track asks for.")
    documents_asked = serializers.SerializerMethodField(help_text="The documents the application's track asks for.")

    class Meta:
        model = Application
        fields = [
            "id",
            "call",
            "program",
            "track",
            "organisation",
            "title",
            "state",
            "state_label",
            "receipt_number",
            "facts",
            "facts_asked",
            "documents_asked",
            "estimated_amount",
            "version",
            "first_submitted_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_facts_asked(self, application) -> list[str]:
        return [d["name"] for d in application.track.fact_schema]

    def get_documents_asked(self, application) -> list[str]:
        return [d["code"] for d in application.track.document_types]


class FactsField(serializers.DictField):
    """Facts as the application form takes them: names to strings, numbers, booleans or lists of those."""

    def to_internal_value(self, data):
        facts = super().to_internal_value(data)
        if len(facts) > MAX_FACTS:
            raise serializers.ValidationError(_("Too many facts."))
        errors = untypable_facts(facts)
        # What can be stored (finite numbers, plain text) is checked where drafts are saved
        # (filing.application_save_draft), for the page and the API alike.
        if errors:
            raise serializers.ValidationError(errors)
        return facts


class ApplicationCreateSerializer(serializers.Serializer):
    call = serializers.IntegerField(min_value=1, help_text="An open call's id.")
    track = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", help_text="Omit for single-track programs."
    )
    title = serializers.CharField(max_length=200, help_text="Project or product name.")


class ApplicationUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    track = serializers.CharField(
        max_length=40,
        required=False,
        help_text="Another track of the call's program, before the first submission: its facts are then asked.",
    )
    facts = FactsField(
        required=False,
        help_text="Merged into the draft's facts (JSON merge patch): a fact set to null or an empty string is removed.",
    )


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class AttachmentUploadSerializer(serializers.Serializer):
    document_type = serializers.CharField(max_length=40)
    file = serializers.FileField(help_text="PDF, JPEG or PNG, at most 20 MB.")


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "document_type", "original_name", "content_type", "size", "sha256", "in_draft", "uploaded_at"]
        read_only_fields = fields


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=OFFICER_ACTIONS)
    reason = serializers.CharField(
        max_length=4000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required to return for correction or reject, and with a lower recommended amount.",
    )
    checklist = serializers.DictField(
        child=serializers.BooleanField(),
        required=False,
        help_text="Formal check: documents, credit, milestone_window, duplicates -> true when the item holds.",
    )
    recommended_amount = AmountSerializerField(
        required=False,
        allow_null=True,
        help_text="Approve: a lower amount than the formula's, with a reason.",
    )


class ApplicationState(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=State.choices)

    class Meta:
        model = Application
        fields = ["state"]


@extend_schema_view(
    list=extend_schema(
        summary="The applications you may see", responses={200: ApplicationSerializer(many=True), 403: FORBIDDEN}
    ),
    retrieve=extend_schema(summary="One application", responses={200: ApplicationSerializer, **READ_ERRORS}),
)
class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ApplicationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApplicationState
    pagination_class = NewestFirst
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.visible_applications(self.request.user).select_related("current_version")

    def get_object(self) -> Application:
        return selectors.get_application_for_user(self.request.user, self.kwargs["pk"])

    def _answer(self, application: Application, code=status.HTTP_200_OK) -> Response:
        return Response(ApplicationSerializer(application).data, status=code)

    @extend_schema(
        summary="Open a draft for an open call",
        request=ApplicationCreateSerializer,
        responses={201: ApplicationSerializer, 400: WRITE_ERRORS[400], 403: FORBIDDEN},
    )
    def create(self, request, *args, **kwargs):
        data = self._valid(ApplicationCreateSerializer)
        call = selectors.open_calls().filter(pk=data["call"]).first()
        if call is None:
            raise serializers.ValidationError({"call": [_("There is no open call with this id.")]})
        track = selectors.find_track(call.program.code, data["track"])
        if track is None:
            raise serializers.ValidationError({"track": [_("This call's program has no such track.")]})
        application = filing.application_create(call=call, track=track, title=data["title"], by=request.user)
        return self._answer(application, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a draft's title or facts",
        request=ApplicationUpdateSerializer,
        responses={200: ApplicationSerializer, **WRITE_ERRORS},
    )
    def partial_update(self, request, *args, **kwargs):
        application = self.get_object()
        data = self._valid(ApplicationUpdateSerializer)
        track = None
        if "track" in data:
            track = selectors.find_track(application.call.program.code, data["track"])
            if track is None:
                raise serializers.ValidationError({"track": [_("This call's program has no such track.")]})
        facts = {**application.draft_facts, **data.get("facts", {})}
        filing.application_save_draft(
            application=application, title=data.get("title", ""), draft_facts=facts, track=track, by=request.user
        )
        return self._answer(application)

    @extend_schema(
        summary="Submit (or resubmit after a correction)",
        request=None,
        responses={200: ApplicationSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        application = filing.application_submit(application=self.get_object(), by=request.user)
        return self._answer(application)

    @extend_schema(
        summary="Withdraw before the decision",
        request=WithdrawSerializer,
        responses={200: ApplicationSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        application = self.get_object()
        data = self._valid(WithdrawSerializer)
        filing.application_withdraw(application=application, by=request.user, reason=data["reason"])
        return self._answer(application)

    @extend_schema(
        summary="Upload a document to a draft or a returned application",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        application = self.get_object()
        data = self._valid(AttachmentUploadSerializer)
        attachment = filing.attachment_add(
            application=application, document_type=data["document_type"], upload=data["file"], by=request.user
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="An officer's step: formal check, return, expert review, decision",
        request=TransitionSerializer,
        responses={200: ApplicationSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request, pk=None):
        application = self.get_object()
        data = self._valid(TransitionSerializer)
        payload = {}
        if data["action"] in CHECKLIST_ACTIONS:
            payload["checklist"] = data.get("checklist", {})
        if data["action"] == workflow.Action.APPROVE:
            payload["recommended_amount"] = data.get("recommended_amount")
        workflow.transition(
            application=application, action=data["action"], by=request.user, reason=data["reason"], **payload
        )
        return self._answer(application)

    def _valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


# --- call alerts --------------------------------------------------------------------------------------------


class CallAlertSerializer(serializers.ModelSerializer):
    criterion = serializers.ChoiceField(choices=AlertCriterion.choices, help_text="kind, commission or program.")
    value = serializers.CharField(
        max_length=60, help_text="The kind of support, the lead commission's code or the program's code."
    )

    class Meta:
        model = CallAlert
        fields = ["id", "criterion", "value", "created_at"]
        read_only_fields = ["id", "created_at"]

    def to_representation(self, alert):
        value = alert.kind or (alert.commission.code if alert.commission_id else alert.program.code)
        return {
            "id": alert.pk,
            "criterion": alert.criterion,
            "value": value,
            "created_at": alert.created_at.isoformat(),
        }


@extend_schema_view(
    list=extend_schema(
        summary="The organisation's call alerts", responses={200: CallAlertSerializer(many=True), **READ_ERRORS}
    ),
    create=extend_schema(
        summary="Subscribe the organisation to calls matching one criterion",
        responses={201: CallAlertSerializer, 200: CallAlertSerializer, **WRITE_ERRORS},
    ),
    retrieve=extend_schema(responses={200: CallAlertSerializer, **READ_ERRORS}),
    destroy=extend_schema(responses={204: None, **READ_ERRORS}),
)
class CallAlertViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """An organisation's call alerts, for any member who may apply for it (404 for anyone without one)."""

    serializer_class = CallAlertSerializer
    pagination_class = None
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return alerts.alerts_of(get_organisation_for_user(self.request.user))

    def create(self, request, *args, **kwargs):
        organisation = get_organisation_for_user(request.user)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        alert, created = alerts.alert_add(
            organisation=organisation,
            by=request.user,
            criterion=serializer.validated_data["criterion"],
            value=serializer.validated_data["value"],
        )
        data = CallAlertSerializer(alert).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def perform_destroy(self, instance):
        alerts.alert_remove(alert=instance, by=self.request.user)

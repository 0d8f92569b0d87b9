"""The commissions' review tasks in the API: their queue, opinions, budget confirmations and desk answers; and the
service channels' cases (desk-cases/): read with their answers, routed by the lead, reopened once or closed.

A commission's staff see their own commission's open tasks (`reviews.selectors.queue`); a task of another
commission is a 404 (`get_task_for_user`). Answers go through `reviews.services`, which check the role and
the task's state again and refuse with PortalError (403 when not allowed, 400 otherwise).
"""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from applications import workflow
from applications.models import Application
from portal.api import FORBIDDEN, READ_ERRORS, WRITE_ERRORS, NewestFirst
from portal.bilingual import localized
from portal.errors import ErrorCode, PortalError
from reviews import desk, permissions, selectors, services
from reviews.models import Outcome, ReviewTask, TaskKind, TaskState


class ReviewTaskSerializer(serializers.ModelSerializer):
    receipt_number = serializers.CharField(source="application.receipt_number", allow_null=True)
    organisation = serializers.CharField(source="application.organisation.name")
    call = serializers.IntegerField(source="application.call_id")
    program = serializers.CharField(source="application.call.program.code")
    commission = serializers.CharField(source="commission.code")
    version = serializers.IntegerField(source="version.number")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ReviewTask
        fields = [
            "id",
            "application",
            "receipt_number",
            "organisation",
            "call",
            "program",
            "commission",
            "kind",
            "is_lead",
            "state",
            "version",
            "due_on",
            "overdue",
            "assigned_to",
            "outcome",
            "reasons",
            "internal_note",
            "created_at",
            "completed_at",
        ]
        read_only_fields = fields

    def get_overdue(self, task) -> bool:
        return task.due_on < selectors.today()


class OpinionSerializer(serializers.Serializer):
    opinion = serializers.ChoiceField(choices=[Outcome.SUPPORT, Outcome.OBJECT])
    reasons = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default="", help_text="Required to object."
    )


class BudgetSerializer(serializers.Serializer):
    confirmed = serializers.BooleanField()
    note = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default="", help_text="Required when not confirmed."
    )


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(
        max_length=4000, help_text="What the enterprise reads, once every unit has answered."
    )
    internal_note = serializers.CharField(
        max_length=4000,
        required=False,
        allow_blank=True,
        default="",
        help_text="For the lead commission and the other units only; never shown to the enterprise.",
    )


class TaskFilter(django_filters.FilterSet):
    """Narrows the commission's own queue; it never widens it."""

    call = django_filters.NumberFilter(field_name="application__call_id", help_text="Call id.")
    program = django_filters.CharFilter(field_name="application__call__program__code", help_text="Program code.")
    kind = django_filters.ChoiceFilter(choices=TaskKind.choices)
    overdue = django_filters.BooleanFilter(method="only_overdue", help_text="true: only tasks past their deadline.")

    class Meta:
        model = ReviewTask
        fields = ["call", "program", "kind", "overdue"]

    def only_overdue(self, queryset, name, value):
        today = selectors.today()
        return queryset.filter(due_on__lt=today) if value else queryset.filter(due_on__gte=today)


class ByDeadline(NewestFirst):
    # The queue's order: the first due first; the deadline of a task never moves.
    ordering = ("due_on", "pk")


@extend_schema_view(
    list=extend_schema(
        summary="Your commission's open review tasks",
        responses={200: ReviewTaskSerializer(many=True), 403: READ_ERRORS[403]},
    ),
    retrieve=extend_schema(summary="One task of your commission", responses={200: ReviewTaskSerializer, **READ_ERRORS}),
)
class ReviewTaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReviewTaskSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = TaskFilter
    pagination_class = ByDeadline
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.queue(self.request.user)

    def get_object(self) -> ReviewTask:
        return selectors.get_task_for_user(self.request.user, self.kwargs["pk"])

    def _valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(
        summary="Give your commission's opinion",
        request=OpinionSerializer,
        responses={200: ReviewTaskSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def opinion(self, request, pk=None):
        task = self.get_object()
        data = self._valid(OpinionSerializer)
        task = services.opinion_give(task=task, by=request.user, opinion=data["opinion"], reasons=data["reasons"])
        return Response(ReviewTaskSerializer(task).data)

    @extend_schema(
        summary="Answer a desk case for your unit",
        request=AnswerSerializer,
        responses={200: ReviewTaskSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        task = self.get_object()
        data = self._valid(AnswerSerializer)
        task = services.answer_give(
            task=task, by=request.user, answer=data["answer"], internal_note=data["internal_note"]
        )
        return Response(ReviewTaskSerializer(task).data)

    @extend_schema(
        summary="Confirm the budget (Finance Bureau)",
        request=BudgetSerializer,
        responses={200: ReviewTaskSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def budget(self, request, pk=None):
        task = self.get_object()
        data = self._valid(BudgetSerializer)
        task = services.budget_confirm(task=task, by=request.user, confirmed=data["confirmed"], note=data["note"])
        return Response(ReviewTaskSerializer(task).data)


# --- desk cases ---------------------------------------------------------------------------------------------


class DeskAnswerSerializer(serializers.Serializer):
    unit = serializers.CharField(source="commission.code")
    unit_name = serializers.SerializerMethodField()
    answered_at = serializers.DateTimeField(source="completed_at")
    answered_by = serializers.CharField(source="completed_by")
    answer = serializers.CharField(source="reasons")

    def get_unit_name(self, task) -> str:
        return localized(task.commission, "name")


class DeskAnswerWithNoteSerializer(DeskAnswerSerializer):
    internal_note = serializers.CharField()


class DeskCaseSerializer(serializers.ModelSerializer):
    program = serializers.CharField(source="call.program.code")
    state_label = serializers.CharField(source="get_state_display")
    facts = serializers.SerializerMethodField()
    routed_to = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()
    reopens_left = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "receipt_number",
            "program",
            "title",
            "state",
            "state_label",
            "facts",
            "routed_to",
            "answers",
            "reopens_left",
            "first_submitted_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _user(self):
        return self.context["request"].user

    def get_facts(self, case) -> dict:
        """The case as submitted."""
        return case.current_version.facts if case.current_version else {}

    def get_routed_to(self, case) -> list[str]:
        """The units the case waits for (the applicant reads which, not who answered so far)."""
        routing = selectors.current_routing(case)
        return [unit["code"] for unit in routing.data.get("units", [])] if routing else []

    @extend_schema_field(DeskAnswerWithNoteSerializer(many=True))
    def get_answers(self, case) -> list[dict]:
        """The lead and the routed units: every answer so far, with the internal notes. Anyone else who sees the
        case (the enterprise): the answers delivered once every routed unit had answered, without the notes."""
        user = self._user()
        if permissions.can_read_internal_notes(user, case)[0]:
            tasks = selectors.desk_tasks(case).filter(kind=TaskKind.DESK_ANSWER, state=TaskState.DONE)
            return DeskAnswerWithNoteSerializer(tasks, many=True).data
        delivered = [task for delivery in selectors.delivered_answers(case) for task in delivery.answers]
        return DeskAnswerSerializer(delivered, many=True).data

    def get_reopens_left(self, case) -> int:
        return max(0, permissions.REOPENS_ALLOWED - selectors.reopens_used(case))


class RouteSerializer(serializers.Serializer):
    units = serializers.ListField(
        child=serializers.CharField(max_length=40), min_length=1, max_length=20, help_text="Codes of the units."
    )


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="What is still unresolved.")


@extend_schema_view(
    list=extend_schema(
        summary="The desk cases you may see", responses={200: DeskCaseSerializer(many=True), 403: FORBIDDEN}
    ),
    retrieve=extend_schema(
        summary="One desk case with its answers", responses={200: DeskCaseSerializer, **READ_ERRORS}
    ),
)
class DeskCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = DeskCaseSerializer
    pagination_class = NewestFirst
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.visible_cases(self.request.user).select_related("current_version")

    def get_object(self) -> Application:
        return selectors.get_case_for_user(self.request.user, self.kwargs["pk"])

    def _valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _answer(self, case: Application) -> Response:
        case = selectors.get_case_for_user(self.request.user, case.pk)
        return Response(DeskCaseSerializer(case, context={"request": self.request}).data)

    @extend_schema(
        summary="Route the case to the units concerned (lead commission)",
        request=RouteSerializer,
        responses={200: DeskCaseSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def route(self, request, pk=None):
        case = self.get_object()
        allowed, reason = permissions.can_route_case(request.user, case)
        if not allowed:
            raise PortalError(ErrorCode.NOT_ALLOWED, reason)
        codes = list(dict.fromkeys(self._valid(RouteSerializer)["units"]))
        units = list(desk.routable_units(case.call.program).filter(code__in=codes))
        unknown = sorted(set(codes) - {unit.code for unit in units})
        if unknown:
            raise serializers.ValidationError(
                {"units": [f"Not a unit this case can be routed to: {', '.join(unknown)}."]}
            )
        workflow.transition(application=case, action=workflow.Action.ROUTE, by=request.user, units=units)
        return self._answer(case)

    @extend_schema(
        summary="Reopen the answered case, once (the enterprise)",
        request=ReopenSerializer,
        responses={200: DeskCaseSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        case = self.get_object()
        reason = self._valid(ReopenSerializer)["reason"]
        workflow.transition(application=case, action=workflow.Action.REOPEN, by=request.user, reason=reason)
        return self._answer(case)

    @extend_schema(
        summary="Close the answered case as resolved (the enterprise)",
        request=None,
        responses={200: DeskCaseSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        case = self.get_object()
        workflow.transition(application=case, action=workflow.Action.CLOSE, by=request.user)
        return self._answer(case)

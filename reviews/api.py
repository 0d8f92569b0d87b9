"""The commissions' review tasks in the API: their queue, opinions and budget confirmations.

A commission's staff see their own commission's open tasks (`reviews.selectors.queue`); a task of another
commission is a 404 (`get_task_for_user`). Answers go through `reviews.services`, which check the role and
the task's state again and refuse with PortalError (403 when not allowed, 400 otherwise).
"""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api import READ_ERRORS, WRITE_ERRORS, NewestFirst
from reviews import selectors, services
from reviews.models import Outcome, ReviewTask, TaskKind


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

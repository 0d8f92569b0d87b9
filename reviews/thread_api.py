"""An application's thread in the API: read it, write to it, answer a clarification request (with files).

The same selectors and services as the pages (`reviews.threads`): 404 for anyone who may not read the thread (an
expert, another commission, another organisation), internal messages never to the applicant's team, a refused
step a 403, bad input a 400 with field errors.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api import READ_ERRORS, WRITE_ERRORS
from portal.bilingual import localized
from reviews import threads
from reviews.models import Message, MessageAttachment

FILES_HELP = "PDF, JPEG or PNG, at most 20 MB each, at most 5 (multipart/form-data only)."


class MessageAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Download in the portal (signed-in session).")

    class Meta:
        model = MessageAttachment
        fields = ["id", "original_name", "content_type", "size", "sha256", "url"]
        read_only_fields = fields

    def get_url(self, attachment) -> str:
        return reverse("thread-file", kwargs={"attachment_id": attachment.pk})


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    commission = serializers.CharField(source="commission.code", allow_null=True, default=None)
    commission_name = serializers.SerializerMethodField()
    answered_by = serializers.IntegerField(source="answered_by_id", allow_null=True)
    answers = serializers.IntegerField(source="answers_id", allow_null=True)
    attachments = MessageAttachmentSerializer(many=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "side",
            "author",
            "commission",
            "commission_name",
            "body",
            "internal",
            "due_on",
            "answered_at",
            "answered_by",
            "answers",
            "created_at",
            "attachments",
        ]
        read_only_fields = fields

    def get_author(self, message) -> str:
        return str(message.author)

    def get_commission_name(self, message) -> str | None:
        return localized(message.commission, "name") if message.commission_id else None


class MessageCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=threads.MAX_BODY)
    internal = serializers.BooleanField(
        required=False, default=False, help_text="Officers only: never shown to the applicant's team."
    )
    due_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Makes it a clarification request the applicant answers by this day (officers only).",
    )
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list, help_text=FILES_HELP)


class ClarificationAnswerSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=threads.MAX_BODY)
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list, help_text=FILES_HELP)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ThreadView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="application_messages_list",
        summary="The application's thread, oldest first (internal messages for the commissions only)",
        responses={200: MessageSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, pk):
        application = threads.get_thread_for_user(request.user, pk)
        return Response(MessageSerializer(threads.thread_messages(request.user, application), many=True).data)

    @extend_schema(
        operation_id="application_messages_create",
        summary="Write on the thread; an officer may mark it internal or make it a clarification request",
        request={"application/json": MessageCreateSerializer, "multipart/form-data": MessageCreateSerializer},
        responses={201: MessageSerializer, **WRITE_ERRORS},
    )
    def post(self, request, pk):
        application = threads.get_thread_for_user(request.user, pk)
        data = _valid(MessageCreateSerializer, request)
        message = threads.message_post(
            application=application,
            by=request.user,
            body=data["body"],
            internal=data["internal"],
            due_on=data["due_on"],
            files=data["files"],
        )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class ClarificationAnswerView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="application_messages_answer",
        summary="The applicant's answer to a clarification request, with files",
        request={
            "multipart/form-data": ClarificationAnswerSerializer,
            "application/json": ClarificationAnswerSerializer,
        },
        responses={201: MessageSerializer, **WRITE_ERRORS},
    )
    def post(self, request, pk, message_id):
        application = threads.get_thread_for_user(request.user, pk)
        question = threads.get_request_for_user(request.user, application, message_id)
        data = _valid(ClarificationAnswerSerializer, request)
        reply = threads.clarification_answer(request=question, by=request.user, body=data["body"], files=data["files"])
        return Response(MessageSerializer(reply).data, status=status.HTTP_201_CREATED)

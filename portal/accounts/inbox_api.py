"""The inbox in the API: one's own items (with the unread count), marking one or all read, and how each kind's
e-mail comes. Another person's item is a 404, administrators included; reads and writes go through
portal/accounts/inbox.py, whose PortalError the exception handler turns into a 400 with field errors."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.accounts import inbox
from portal.accounts.models import Delivery, Notification, NotificationKind
from portal.api import FIELD_ERRORS, FORBIDDEN, READ_ERRORS, NewestFirst
from portal.bilingual import localized


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    title = serializers.SerializerMethodField(help_text="In the request's language (Accept-Language).")
    body = serializers.SerializerMethodField(help_text="In the request's language (Accept-Language).")
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "body", "link", "created_at", "read_at", "unread"]
        read_only_fields = fields
        extra_kwargs = {"link": {"help_text": "A path inside the portal: the page the item is about."}}

    def get_title(self, item) -> str:
        return localized(item, "title")

    def get_body(self, item) -> str:
        return localized(item, "body")

    def get_unread(self, item) -> bool:
        return item.read_at is None


class InboxPage(NewestFirst):
    """The cursor page, and how many of the person's items are unread (all pages)."""

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["unread"] = inbox.unread_count(self.request.user)
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["unread"] = {"type": "integer", "description": "Unread items in the whole inbox."}
        schema["required"] = [*schema.get("required", []), "unread"]
        return schema


class PreferencesSerializer(serializers.Serializer):
    """Kind -> how its e-mail comes; on PUT, kinds left out keep their choice."""

    def get_fields(self):
        return {
            kind: serializers.ChoiceField(choices=Delivery.choices, required=False, help_text=str(label))
            for kind, label in NotificationKind.choices
        }

    def validate(self, attrs):
        unknown = sorted(set(getattr(self, "initial_data", None) or {}) - set(NotificationKind.values))
        if unknown:
            raise serializers.ValidationError({name: [_("Not one of the choices.")] for name in unknown})
        return attrs


MarkedSerializer = inline_serializer(
    "InboxMarked", {"marked": serializers.IntegerField(), "unread": serializers.IntegerField()}
)


@extend_schema_view(
    list=extend_schema(
        summary="Your inbox, newest first", responses={200: NotificationSerializer(many=True), 403: FORBIDDEN}
    ),
    retrieve=extend_schema(summary="One item of your inbox", responses={200: NotificationSerializer, **READ_ERRORS}),
)
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    pagination_class = InboxPage
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return inbox.inbox_of(self.request.user)

    def get_object(self) -> Notification:
        return inbox.get_notification_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(summary="Mark one item read", request=None, responses={200: NotificationSerializer, **READ_ERRORS})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        item = inbox.notification_mark_read(notification=self.get_object(), by=request.user)
        return Response(NotificationSerializer(item).data)

    @extend_schema(summary="Mark every item read", request=None, responses={200: MarkedSerializer, 403: FORBIDDEN})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        marked = inbox.notifications_mark_all_read(by=request.user)
        return Response({"marked": marked, "unread": inbox.unread_count(request.user)})

    @extend_schema(
        methods=["GET"],
        summary="How each kind's e-mail comes (at once or in the daily digest)",
        responses={200: PreferencesSerializer, 403: FORBIDDEN},
    )
    @extend_schema(
        methods=["PUT"],
        summary="Choose how each kind's e-mail comes",
        request=PreferencesSerializer,
        responses={200: PreferencesSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN},
    )
    @action(detail=False, methods=["get", "put"], pagination_class=None)
    def preferences(self, request):
        if request.method == "PUT":
            serializer = PreferencesSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            inbox.preferences_set(user=request.user, choices=serializer.validated_data)
        return Response(inbox.preferences_of(request.user))

"""API of governance: bodies, meetings, decisions, actions and escalations (read), with the
two writes the API takes: an action marked done and an escalation resolved, through the
governance services as the pages' are. The same visibility as the pages."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from realise.core.api import ReadOnlyDomainViewSet, read_only_serializer, service_errors
from realise.governance import services as governance
from realise.governance.models import (
    LONDON,
    Action,
    Decision,
    Escalation,
    GovernanceBody,
    Meeting,
)


# The body's usual time and place, and each meeting's own, read as the pages and the calendar
# feed show them: times of day in UK time as HH:MM, a meeting's start and end as date-times
# with their offset from UTC.
@extend_schema_field(
    {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$", "example": "10:00"}
)
class UkTimeField(serializers.TimeField):
    """A time of day in UK time as the pages write it, HH:MM."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", read_only=True, **kwargs)


BODY_FIELDS = [
    "id",
    "collaboration",
    "name",
    "slug",
    "body_type",
    "cadence",
    "every_weeks",
    "meets_from",
    "meeting_time",
    "meeting_minutes",
    "location",
    "chair",
    "escalates_to",
    "decides_stages",
    "terms_of_reference",
    "visibility",
    "created_at",
    "updated_at",
]


class GovernanceBodySerializer(serializers.ModelSerializer):
    meeting_time = UkTimeField(help_text="The usual start of a meeting, UK time (HH:MM).")
    meeting_minutes = serializers.IntegerField(
        read_only=True, help_text="The usual length of a meeting in minutes."
    )
    location = serializers.CharField(
        read_only=True,
        help_text="The usual place (a room and address) or online link; empty when not set.",
    )
    decides_stages = serializers.SerializerMethodField(
        help_text="The stages (1 to 5) whose entry this body approves, in order."
    )

    @extend_schema_field(
        serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=5))
    )
    def get_decides_stages(self, body: GovernanceBody) -> list[int]:
        return sorted(body.decides_stages or [])

    class Meta:
        model = GovernanceBody
        fields = BODY_FIELDS
        read_only_fields = BODY_FIELDS


MEETING_FIELDS = [
    "id",
    "body",
    "date",
    "status",
    "starts_at",
    "ends_at",
    "place",
    "start_time",
    "duration_minutes",
    "location",
    "adjusted_from",
    "notes",
    "created_at",
    "updated_at",
]


class MeetingSerializer(serializers.ModelSerializer):
    starts_at = serializers.DateTimeField(
        read_only=True,
        default_timezone=LONDON,
        help_text="When the meeting starts: its own start time, else the body's usual one, in "
        "UK time with its offset from UTC (as its page and the calendar feed show it).",
    )
    ends_at = serializers.DateTimeField(
        read_only=True,
        default_timezone=LONDON,
        help_text="When it ends: its own length, else the body's usual one, after the start. "
        "The length is time elapsed, so across the clocks changing it ends an hour earlier or "
        "later on the clock.",
    )
    place = serializers.CharField(
        read_only=True,
        help_text="Where it is held: its own place or online link, else the body's usual one; "
        "empty when neither is set.",
    )
    start_time = UkTimeField(
        allow_null=True,
        help_text="The meeting's own start, UK time (HH:MM); null when it keeps the body's "
        "usual time.",
    )
    duration_minutes = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="The meeting's own length in minutes; null when it keeps the body's usual "
        "length.",
    )
    location = serializers.CharField(
        read_only=True,
        help_text="The meeting's own place or online link; empty when it keeps the body's "
        "usual place.",
    )
    adjusted_from = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="The cadence date, a weekend or bank holiday, from which the calendar moved "
        "this meeting to the working day before (to the next working day when the day before "
        "came before the body's meets_from or was already past when the meeting was "
        "generated); null when it was not moved so.",
    )

    class Meta:
        model = Meeting
        fields = MEETING_FIELDS
        read_only_fields = MEETING_FIELDS


DecisionSerializer = read_only_serializer(
    Decision,
    [
        "id",
        "body",
        "meeting",
        "decided_on",
        "text",
        "rationale",
        "initiative",
        "stage_decision",
        "status",
        "visibility",
        "created_at",
        "updated_at",
    ],
)
ActionSerializer = read_only_serializer(
    Action,
    ["id", "decision", "text", "owner", "due_on", "done", "done_on", "created_at", "updated_at"],
)
EscalationSerializer = read_only_serializer(
    Escalation,
    [
        "id",
        "from_body",
        "to_body",
        "kind",
        "benefit",
        "initiative",
        "summary",
        "raised_by",
        "raised_at",
        "meeting",
        "resolution",
        "resolved_at",
        "resolved_by",
        "created_at",
        "updated_at",
    ],
)


class ResolutionSerializer(serializers.Serializer):
    resolution = serializers.CharField(help_text="How the receiving body resolved it.")


class GovernanceBodyViewSet(ReadOnlyDomainViewSet):
    """Governance bodies (address by id or slug)."""

    serializer_class = GovernanceBodySerializer
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filterset_fields = ["collaboration", "body_type", "cadence", "visibility", "slug"]
    ordering_fields = ["name"]

    def scope(self, user):
        return GovernanceBody.objects.visible_to(user).order_by("name", "pk")


class MeetingViewSet(ReadOnlyDomainViewSet):
    """Meetings of governance bodies."""

    serializer_class = MeetingSerializer
    filterset_fields = {"body": ["exact"], "status": ["exact"], "date": ["gte", "lte"]}
    ordering_fields = ["date"]

    def scope(self, user):
        # The body's usual time and place stand in for the meeting's own where it has none.
        return Meeting.objects.visible_to(user).select_related("body").order_by("date", "pk")


class DecisionViewSet(ReadOnlyDomainViewSet):
    """The decisions log."""

    serializer_class = DecisionSerializer
    filterset_fields = {
        "body": ["exact"],
        "initiative": ["exact"],
        "status": ["exact"],
        "decided_on": ["gte", "lte"],
    }
    ordering_fields = ["decided_on"]

    def scope(self, user):
        return Decision.objects.visible_to(user).order_by("-decided_on", "pk")


class ActionViewSet(ReadOnlyDomainViewSet):
    """Actions arising from decisions; `POST .../done/` marks one done."""

    serializer_class = ActionSerializer
    change_actions = ("done",)
    filterset_fields = {
        "decision": ["exact"],
        "owner": ["exact"],
        "done": ["exact"],
        "due_on": ["gte", "lte"],
    }
    ordering_fields = ["due_on"]

    def scope(self, user):
        return Action.objects.filter(
            decision__in=Decision.objects.visible_to(user).values("pk")
        ).order_by("due_on", "pk")

    @extend_schema(
        request=None,
        responses={200: ActionSerializer},
        summary="Mark an action done",
        description="By its owner or the collaboration's programme team. The decision becomes "
        "actioned once none of its actions is open. Marking a done action again changes "
        "nothing.",
    )
    @action(detail=True, methods=["post"], url_path="done")
    def done(self, request, pk=None):
        item = self.get_object()
        try:
            item = governance.complete_action(item, user=request.user)
        except (DjangoValidationError, DjangoPermissionDenied) as error:
            raise service_errors(error) from None
        return Response(ActionSerializer(item).data)


class EscalationViewSet(ReadOnlyDomainViewSet):
    """Items one governance body passes to the body it escalates to; `POST .../resolve/`
    records the receiving body's resolution."""

    serializer_class = EscalationSerializer
    change_actions = ("resolve",)
    filterset_fields = {
        "from_body": ["exact"],
        "to_body": ["exact"],
        "kind": ["exact"],
        "resolved_at": ["isnull"],
    }
    ordering_fields = ["raised_at"]

    def scope(self, user):
        return Escalation.objects.visible_to(user).order_by("-raised_at", "pk")

    @extend_schema(
        request=ResolutionSerializer,
        responses={200: EscalationSerializer},
        summary="Resolve an escalation",
        description="By the receiving body's programme team; once only.",
    )
    @action(detail=True, methods=["post"], url_path="resolve")
    def resolve(self, request, pk=None):
        item = self.get_object()
        body = ResolutionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            item = governance.resolve(
                item, resolution=body.validated_data["resolution"], user=request.user
            )
        except (DjangoValidationError, DjangoPermissionDenied) as error:
            raise service_errors(error) from None
        return Response(EscalationSerializer(item).data)


def register(router) -> None:
    router.register("governance-bodies", GovernanceBodyViewSet, basename="governancebody")
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("decisions", DecisionViewSet, basename="decision")
    router.register("actions", ActionViewSet, basename="action")
    router.register("escalations", EscalationViewSet, basename="escalation")

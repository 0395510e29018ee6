"""API of governance: bodies, meetings, decisions, actions and escalations (read), with the
two writes the API takes: an action marked done and an escalation resolved, through the
governance services as the pages' are. The same visibility as the pages."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from realise.core.api import ReadOnlyDomainViewSet, read_only_serializer, service_errors
from realise.governance import services as governance
from realise.governance.models import Action, Decision, Escalation, GovernanceBody, Meeting

GovernanceBodySerializer = read_only_serializer(
    GovernanceBody,
    [
        "id",
        "collaboration",
        "name",
        "slug",
        "body_type",
        "cadence",
        "chair",
        "escalates_to",
        "terms_of_reference",
        "visibility",
        "created_at",
        "updated_at",
    ],
)
MeetingSerializer = read_only_serializer(
    Meeting, ["id", "body", "date", "status", "notes", "created_at", "updated_at"]
)
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
        return Meeting.objects.visible_to(user).order_by("date", "pk")


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

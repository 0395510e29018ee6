"""API: governance bodies, meetings, decisions, actions, escalations, lessons, documents and
options.

The same visibility as the pages (`core.permissions`): what a user may not see is not
there. These are read here; the writes the API takes (an action done, an escalation
resolved) go through the governance services, as the pages' do.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from realise.appraisal.models import Option
from realise.core.api import ReadOnlyDomainViewSet, service_errors
from realise.core.permissions import (
    visible_bodies,
    visible_decisions,
    visible_documents,
    visible_escalations,
    visible_initiatives,
    visible_lessons,
    visible_meetings,
)
from realise.governance import services as governance
from realise.governance.models import Action, Decision, Escalation, GovernanceBody, Meeting
from realise.knowledge.models import Document, Lesson
from realise.knowledge.services import DOCUMENT_FIELDS, LESSON_FIELDS


def read_only(model_class, field_names: list[str]):
    meta = type("Meta", (), {"model": model_class, "fields": field_names})
    meta.read_only_fields = field_names
    return type(f"{model_class.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})


GovernanceBodySerializer = read_only(
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
MeetingSerializer = read_only(
    Meeting, ["id", "body", "date", "status", "notes", "created_at", "updated_at"]
)
DecisionSerializer = read_only(
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
ActionSerializer = read_only(
    Action,
    ["id", "decision", "text", "owner", "due_on", "done", "done_on", "created_at", "updated_at"],
)
EscalationSerializer = read_only(
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


# The fields the repository's services write, as they write them.
LessonSerializer = read_only(Lesson, ["id", *LESSON_FIELDS, "created_at", "updated_at"])
DocumentSerializer = read_only(Document, ["id", *DOCUMENT_FIELDS, "created_at", "updated_at"])
OptionSerializer = read_only(
    Option,
    [
        "id",
        "initiative",
        "name",
        "description",
        "is_business_as_usual",
        "is_preferred",
        "first_year",
        "price_base_year",
        "discount_schedule",
        "order",
        "created_at",
        "updated_at",
    ],
)


class GovernanceBodyViewSet(ReadOnlyDomainViewSet):
    """Governance bodies (address by id or slug)."""

    serializer_class = GovernanceBodySerializer
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filterset_fields = ["collaboration", "body_type", "cadence", "visibility", "slug"]
    ordering_fields = ["name"]

    def scope(self, user):
        return visible_bodies(user).order_by("name", "pk")


class MeetingViewSet(ReadOnlyDomainViewSet):
    """Meetings of governance bodies."""

    serializer_class = MeetingSerializer
    filterset_fields = {"body": ["exact"], "status": ["exact"], "date": ["gte", "lte"]}
    ordering_fields = ["date"]

    def scope(self, user):
        return visible_meetings(user).order_by("date", "pk")


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
        return visible_decisions(user).order_by("-decided_on", "pk")


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
        return Action.objects.filter(decision__in=visible_decisions(user).values("pk")).order_by(
            "due_on", "pk"
        )

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
        return visible_escalations(user).order_by("-raised_at", "pk")

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


class LessonViewSet(ReadOnlyDomainViewSet):
    """The lessons learned log, across every collaboration you may see."""

    serializer_class = LessonSerializer
    filterset_fields = {
        "collaboration": ["exact"],
        "initiative": ["exact"],
        "theme": ["exact"],
        "stage": ["exact"],
        "date": ["gte", "lte"],
    }
    ordering_fields = ["date", "title"]

    def scope(self, user):
        return visible_lessons(user).order_by("-date", "pk")


class DocumentViewSet(ReadOnlyDomainViewSet):
    """Business-case and other documents (their files download through the pages)."""

    serializer_class = DocumentSerializer
    filterset_fields = ["collaboration", "initiative", "kind", "stage"]
    ordering_fields = ["title", "updated_at"]

    def scope(self, user):
        return visible_documents(user).order_by("title", "pk")


class OptionViewSet(ReadOnlyDomainViewSet):
    """Options of each initiative's economic case (Green Book appraisal)."""

    serializer_class = OptionSerializer
    filterset_fields = ["initiative"]
    ordering_fields = ["order", "name"]

    def scope(self, user):
        return Option.objects.filter(
            initiative__in=visible_initiatives(user).values("pk")
        ).order_by("initiative_id", "order", "pk")


def register(router) -> None:
    router.register("governance-bodies", GovernanceBodyViewSet, basename="governancebody")
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("decisions", DecisionViewSet, basename="decision")
    router.register("actions", ActionViewSet, basename="action")
    router.register("escalations", EscalationViewSet, basename="escalation")
    router.register("lessons", LessonViewSet, basename="lesson")
    router.register("documents", DocumentViewSet, basename="document")
    router.register("options", OptionViewSet, basename="option")

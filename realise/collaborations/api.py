"""API: collaborations, member forces' shares, agreements, initiatives, stage decisions."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from realise.collaborations.bodies import governance_bodies, visible_bodies
from realise.collaborations.models import (
    Agreement,
    AgreementParty,
    AgreementReview,
    Collaboration,
    ForceShare,
    Initiative,
    Stage,
    StageDecision,
)
from realise.collaborations.services import (
    GateRefused,
    check_initiative_change,
    check_review_due,
    check_shares_total,
    check_writer_sees_it,
    duplicate_name_problem,
    move_problems,
    move_stage,
)
from realise.core.api import (
    ROWS_VERSION_RESPONSES,
    AmountField,
    DomainSerializer,
    DomainViewSet,
    ReadOnlyDomainViewSet,
    VisibleRelatedField,
    replace_rows,
    service_errors,
)
from realise.core.history import set_history_user
from realise.organisations.models import Force

HUNDRED = Decimal("100")


class CollaborationSerializer(DomainSerializer):
    # DRF's serializer metaclass takes declared fields out of the class, so this does not
    # replace Field.parent (the serializer a field is bound to) as the stubs assume.
    parent = VisibleRelatedField(  # type: ignore[assignment]
        scope=Collaboration.objects.visible_to,
        hide_unseen=True,
        queryset=Collaboration.objects.all(),
        required=False,
        allow_null=True,
    )

    class Meta:
        model = Collaboration
        fields = [
            "id",
            "name",
            "slug",
            "parent",
            "purpose",
            "objectives",
            "function",
            "lead_force",
            "legal_basis",
            "visibility",
            "version",
            "created_at",
            "updated_at",
        ]

    def validate_parent(self, parent):
        own = self.instance.pk if self.instance else None
        if parent and own and (parent.pk == own or own in {c.pk for c in parent.ancestors()}):
            raise serializers.ValidationError("A collaboration cannot sit within itself.")
        return parent


class ForceShareSerializer(DomainSerializer):
    collaboration = VisibleRelatedField(
        scope=Collaboration.objects.visible_to, queryset=Collaboration.objects.all()
    )

    class Meta:
        model = ForceShare
        fields = ["id", "collaboration", "force", "percent", "basis", "version"]
        validators: list[Any] = []  # the one-share-per-force rule is checked with the total below
        create_only_fields = ["collaboration"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        collaboration = attrs.get("collaboration") or self.instance.collaboration
        force = attrs.get("force") or self.instance.force
        others = collaboration.shares.all()
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.filter(force=force).exists():
            raise serializers.ValidationError({"force": f"{force} already has a share here."})
        percent = attrs.get("percent", getattr(self.instance, "percent", None))
        others_total = others.aggregate(total=Sum("percent"))["total"] or Decimal("0")
        shares_total_refusal([others_total, percent])
        return attrs


SHARES_HINT = "To change several shares at once, PUT them all to /collaborations/{id}/shares/."


def shares_total_refusal(percents: list[Decimal]) -> None:
    """The share-total rule (`check_shares_total`) for one share written or deleted alone:
    its refusal, then how to change several shares at once."""
    try:
        check_shares_total(percents)
    except DjangoValidationError as error:
        raise exceptions.ValidationError({"percent": [*error.messages, SHARES_HINT]}) from None


class ShareItemSerializer(serializers.Serializer):
    force = serializers.PrimaryKeyRelatedField(queryset=Force.objects.all())
    percent = AmountField(max_digits=7, decimal_places=4, min_value=Decimal("0"), max_value=HUNDRED)
    basis = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


def share_rows(data) -> list[dict]:
    """A PUT of shares ([{force, percent, basis}]), checked: each force once."""
    items = ShareItemSerializer(data=data, many=True)
    items.is_valid(raise_exception=True)
    rows = items.validated_data
    forces = [row["force"].pk for row in rows]
    if len(set(forces)) != len(forces):
        raise exceptions.ValidationError({"force": ["A force is listed twice."]})
    return rows


class AgreementPartySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = AgreementParty
        fields = ["force", "role", "name"]


class AgreementSerializer(DomainSerializer):
    collaboration = VisibleRelatedField(
        scope=Collaboration.objects.visible_to, queryset=Collaboration.objects.all()
    )
    review_due = serializers.DateField(
        required=False, help_text="Defaults to a year after signing; each review sets the next."
    )
    review_body = VisibleRelatedField(
        scope=visible_bodies,
        queryset=governance_bodies(),
        required=False,
        allow_null=True,
        help_text="The governance body responsible for the annual review.",
    )
    parties = AgreementPartySerializer(many=True, read_only=True)
    documents = serializers.SerializerMethodField(
        help_text="The repository documents of the agreement that the reader may see."
    )
    review_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            "id",
            "collaboration",
            "title",
            "legal_basis",
            "signed_on",
            "review_due",
            "review_body",
            "review_overdue",
            "terminated_on",
            "parties",
            "documents",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["terminated_on"]
        create_only_fields = ["collaboration"]

    def get_documents(self, agreement) -> list[int]:
        request = self.context.get("request")
        user = request.user if request is not None else None
        return [
            d.pk
            for d in agreement.documents.all()
            if user is not None and user.has_perm("knowledge.view_document", d)
        ]

    def get_review_overdue(self, agreement) -> bool:
        return agreement.review_overdue(timezone.localdate())

    def validate(self, attrs):
        attrs = super().validate(attrs)
        body = attrs.get("review_body")
        collaboration = attrs.get("collaboration") or self.instance.collaboration
        tree = {collaboration.pk, *(c.pk for c in collaboration.ancestors())}
        if body is not None and body.collaboration_id not in tree:
            raise serializers.ValidationError(
                {"review_body": f"{body} is not a governance body of {collaboration}."}
            )
        try:
            check_review_due(self.proposed(attrs))
        except DjangoValidationError as error:
            raise service_errors(error) from None
        return attrs


class AgreementReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgreementReview
        fields = [
            "id",
            "agreement",
            "reviewed_on",
            "body",
            "outcome",
            "notes",
            "next_review_due",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class InitiativeSerializer(DomainSerializer):
    collaboration = VisibleRelatedField(
        scope=Collaboration.objects.visible_to, queryset=Collaboration.objects.all()
    )

    class Meta:
        model = Initiative
        fields = [
            "id",
            "collaboration",
            "name",
            "slug",
            "sro",
            "stage",
            "status",
            "purpose",
            "start_date",
            "end_date",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["stage"]
        create_only_fields = ["collaboration"]
        # The collaboration and name are unique together: checked in `validate`, naming the
        # field, rather than by DRF's validator ("must make a unique set").
        validators: list = []

    def to_internal_value(self, data):
        """The stage moves only through a stage decision, and an initiative is closed only
        through its closure: a write that would do either is refused, naming the field
        (`check_initiative_change`), rather than the stage being silently left as it is."""
        if hasattr(data, "get"):
            stage, status = data.get("stage"), data.get("status")
            if "stage" in data and stage is None:
                stage = ""  # a stage of null is a change too
            initiative = self.instance or Initiative(slug=str(data.get("slug") or ""))
            try:
                check_initiative_change(
                    initiative, stage=stage, status=status if isinstance(status, str) else None
                )
            except DjangoValidationError as error:
                raise service_errors(error) from None
        return super().to_internal_value(data)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"end_date": "The end date must be after the start date."}
            )
        initiative = self.proposed(attrs)
        problem = duplicate_name_problem(initiative, initiative.name)
        if problem:
            raise serializers.ValidationError({"name": [problem]})
        return attrs


class StageDecisionSerializer(DomainSerializer):
    initiative = VisibleRelatedField(
        scope=Initiative.objects.visible_to, queryset=Initiative.objects.all()
    )
    body = VisibleRelatedField(scope=visible_bodies, queryset=governance_bodies())

    class Meta:
        model = StageDecision
        fields = [
            "id",
            "initiative",
            "from_stage",
            "to_stage",
            "body",
            "decided_on",
            "decided_by",
            "notes",
            "move_back",
            "recorded_at",
        ]
        read_only_fields = ["from_stage", "decided_by", "move_back", "recorded_at"]


@extend_schema_field(
    {"oneOf": [{"type": "integer"}, {"type": "string"}], "nullable": True, "example": "7f-board"}
)
class BodyField(VisibleRelatedField):
    """A governance body by id or by slug (as `realise gate-check --body` names it)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and data.strip() and not data.strip().isdigit():
            body = self.get_queryset().filter(slug=data.strip()).first()
            if body is None:
                raise serializers.ValidationError(f"No governance body with slug '{data}'.")
            return body
        return super().to_internal_value(data)


class GateCheckSerializer(serializers.Serializer):
    to_stage = serializers.IntegerField(min_value=0, max_value=5)
    body = BodyField(
        scope=visible_bodies,
        queryset=governance_bodies(),
        required=False,
        allow_null=True,
        help_text="The body that would decide, by id or slug: its remit must include the gate.",
    )
    notes = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="For a move back: the reason, as the stage decision's notes would give it.",
    )


GateResultSerializer = inline_serializer(
    "GateResult",
    {
        "initiative": serializers.CharField(),
        "to_stage": serializers.IntegerField(),
        "passes": serializers.BooleanField(),
        "problems": serializers.ListField(child=serializers.CharField()),
        "failures": serializers.ListField(
            child=inline_serializer(
                "GateFailure",
                {
                    "benefit": serializers.CharField(),
                    "rules": serializers.ListField(child=serializers.CharField()),
                },
            )
        ),
    },
)


# Views ----------------------------------------------------------------------------------------


class CollaborationViewSet(DomainViewSet):
    """Collaborations (address by id or slug); private ones only for their own forces."""

    serializer_class = CollaborationSerializer
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filterset_fields = ["parent", "function", "visibility", "lead_force", "slug"]
    ordering_fields = ["name", "created_at", "updated_at"]

    def scope(self, user):
        return (
            Collaboration.objects.filter(pk__in=Collaboration.objects.visible_to(user).values("pk"))
            .select_related("parent", "lead_force")
            .order_by("name")
        )

    def perform_create(self, serializer):
        """Added, as on the page, only where its writer may go on seeing it."""
        self.check_create(serializer)
        try:
            with transaction.atomic():
                instance = serializer.save()
                check_writer_sees_it(instance, self.request.user)
        except DjangoValidationError as error:
            raise service_errors(error) from None
        return instance

    def perform_update(self, serializer):
        """Changed, as on the page, only so that its writer may go on seeing it (the
        update's own transaction is undone by the refusal)."""
        super().perform_update(serializer)
        try:
            check_writer_sees_it(serializer.instance, self.request.user)
        except DjangoValidationError as error:
            raise service_errors(error) from None

    @extend_schema(
        methods=["GET"],
        responses={200: ForceShareSerializer(many=True)},
        summary="Every member force's share",
        description="With the set's version as the ETag: send it back as `If-Match` to "
        "replace the shares.",
    )
    @extend_schema(
        methods=["PUT"],
        request=ShareItemSerializer(many=True),
        responses={200: ForceShareSerializer(many=True), **ROWS_VERSION_RESPONSES},
        summary="Replace every member force's share at once",
        description="The shares given replace all the collaboration's shares; they must add "
        "up to exactly 100%. All or nothing. Send `If-Match` with the ETag of your last read "
        "(428 without it, 412 when the shares changed since).",
    )
    @action(
        detail=True,
        methods=["get", "put"],
        url_path="shares",
        pagination_class=None,
        filter_backends=[],
    )
    def replace_shares(self, request, pk=None):
        collaboration = self.get_object()
        rows = share_rows(request.data) if request.method == "PUT" else []
        if request.method == "PUT":
            try:
                check_shares_total([row["percent"] for row in rows])
            except DjangoValidationError as error:
                raise service_errors(error) from None
        return replace_rows(
            request,
            collaboration,
            lambda: _share_rows_of(collaboration),
            lambda: _replace_shares(collaboration, rows, request.user),
        )


def _replace_shares(collaboration: Collaboration, rows: list[dict], user) -> None:
    """Make the collaboration's shares the rows given (within `replace_rows`' transaction)."""
    forces = [row["force"].pk for row in rows]
    existing = {s.force_id: s for s in collaboration.shares.select_for_update()}
    for force_id, share in existing.items():
        if force_id not in forces:
            set_history_user(share, user)
            share.delete()
    for row in rows:
        share = existing.get(row["force"].pk) or ForceShare(
            collaboration=collaboration, force=row["force"]
        )
        if share.pk and (share.percent, share.basis) == (row["percent"], row["basis"]):
            continue
        share.percent, share.basis = row["percent"], row["basis"]
        set_history_user(share, user)
        share.save()
    # As on the page: never shares that leave the writer unable to see the collaboration.
    try:
        check_writer_sees_it(collaboration, user)
    except DjangoValidationError as error:
        raise service_errors(error) from None


def _share_rows_of(collaboration: Collaboration) -> list[dict]:
    shares = collaboration.shares.select_related("force").order_by("force__name")
    return list(ForceShareSerializer(shares, many=True).data)


class ForceShareViewSet(DomainViewSet):
    """Each member force's share of a collaboration (shares add up to exactly 100%)."""

    serializer_class = ForceShareSerializer
    filterset_fields = ["collaboration", "force"]
    ordering_fields = ["percent", "force__name"]

    def scope(self, user):
        return ForceShare.objects.filter(
            collaboration__in=Collaboration.objects.visible_to(user).values("pk")
        ).order_by("collaboration_id", "force__name")

    def perform_destroy(self, instance):
        remaining = instance.collaboration.shares.exclude(pk=instance.pk)
        if remaining.exists():
            shares_total_refusal([remaining.aggregate(total=Sum("percent"))["total"]])
        super().perform_destroy(instance)
        # Within the destroy's transaction: a share whose going would hide the collaboration
        # from its writer is kept.
        try:
            check_writer_sees_it(instance.collaboration, self.request.user)
        except DjangoValidationError as error:
            raise service_errors(error) from None


class AgreementViewSet(DomainViewSet):
    """Legal agreements (usually Section 22A), reviewed every year."""

    serializer_class = AgreementSerializer
    filterset_fields = {"collaboration": ["exact"], "review_due": ["gte", "lte"]}
    ordering_fields = ["signed_on", "review_due"]

    def scope(self, user):
        return (
            Agreement.objects.filter(
                collaboration__in=Collaboration.objects.visible_to(user).values("pk")
            )
            .prefetch_related("parties__force", "documents")
            .order_by("-signed_on", "pk")
        )


class AgreementReviewViewSet(ReadOnlyDomainViewSet):
    """Reviews of agreements, newest first (recorded on the agreement's page)."""

    serializer_class = AgreementReviewSerializer
    filterset_fields = ["agreement", "body", "outcome"]
    ordering_fields = ["reviewed_on", "recorded_at"]

    def scope(self, user):
        return AgreementReview.objects.filter(
            agreement__collaboration__in=Collaboration.objects.visible_to(user).values("pk")
        ).order_by("-reviewed_on", "-recorded_at", "pk")


class InitiativeViewSet(DomainViewSet):
    """Initiatives (address by id or slug). The stage changes only through a stage decision."""

    serializer_class = InitiativeSerializer
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filterset_fields = ["collaboration", "stage", "status", "sro", "slug"]
    ordering_fields = ["name", "stage", "start_date", "updated_at"]
    read_actions = ("gate_check",)

    def scope(self, user):
        return (
            Initiative.objects.filter(
                collaboration__in=Collaboration.objects.visible_to(user).values("pk")
            )
            .select_related("collaboration")
            .order_by("collaboration__name", "name")
        )

    @extend_schema(
        request=GateCheckSerializer,
        responses={200: GateResultSerializer},
        summary="Check the stage gate",
        description="Whether the initiative may move to `to_stage`, naming every benefit "
        "that fails a rule and, for a move back, its reason and who may make it (the same "
        "rules as `POST /stage-decisions/` and `realise gate-check --format json`). Changes "
        "nothing.",
    )
    @action(detail=True, methods=["post"], url_path="gate-check")
    def gate_check(self, request, pk=None):
        initiative = self.get_object()
        query = GateCheckSerializer(data=request.data, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        data = query.validated_data
        result = move_problems(
            initiative,
            data["to_stage"],
            body=data.get("body"),
            user=request.user,
            notes=data.get("notes", ""),
        )
        return Response(result.as_dict())


class StageDecisionViewSet(DomainViewSet):
    """Stage decisions. Recording one moves the initiative, if the stage gate allows it."""

    serializer_class = StageDecisionSerializer
    http_method_names = ["get", "post", "head", "options"]
    filterset_fields = ["initiative", "body", "to_stage"]
    ordering_fields = ["decided_on", "recorded_at"]

    def scope(self, user):
        return StageDecision.objects.filter(
            initiative__collaboration__in=Collaboration.objects.visible_to(user).values("pk")
        ).order_by("-decided_on", "-recorded_at")

    def check_create(self, serializer):
        initiative = serializer.validated_data["initiative"]
        if not self.request.user.has_perm("collaborations.add_stagedecision", initiative):
            raise exceptions.PermissionDenied("You may not record stage decisions here.")

    @extend_schema(
        responses={
            201: StageDecisionSerializer,
            400: OpenApiResponse(description="The stage gate refused; `gate` names each rule."),
        }
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.check_create(serializer)
        data = serializer.validated_data
        if data["to_stage"] not in Stage.values:
            raise exceptions.ValidationError({"to_stage": "Stages are 0 to 5."})
        try:
            decision = move_stage(
                data["initiative"],
                data["to_stage"],
                body=data["body"],
                decided_on=data["decided_on"],
                user=request.user,
                notes=data.get("notes", ""),
            )
        except GateRefused as refused:
            return Response(
                {"detail": str(refused), "gate": refused.result.as_dict()},
                status=status.HTTP_400_BAD_REQUEST,
            )
        except DjangoValidationError as error:
            raise service_errors(error) from None
        return Response(self.get_serializer(decision).data, status=status.HTTP_201_CREATED)

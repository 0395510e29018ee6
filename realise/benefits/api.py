"""API: benefits, planned values, actuals (one at a time or in bulk), evidence, realisation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from realise.benefits.baselines import check_plan_open
from realise.benefits.filtersets import MeasurementApiFilter, PlannedValueApiFilter
from realise.benefits.models import (
    Benefit,
    BenefitShare,
    Evidence,
    Measurement,
    PlannedValue,
    SubCategory,
)
from realise.benefits.realisation import RealisationFilter, realisation
from realise.benefits.services import (
    EVIDENCE_FIXED,
    attach_evidence_file,
    benefit_change_errors,
    check_evidence_file,
    delete_benefit,
    delete_evidence,
    evidence_changed,
    evidence_note_problem,
    record_measurement,
    replace_benefit_shares,
    return_measurement,
    verify_measurement,
)
from realise.benefits.standard import (
    benefit_profiles,
    benefit_standard,
    check_benefit_standard,
)
from realise.collaborations.api import ShareItemSerializer, share_rows
from realise.collaborations.models import Collaboration, Initiative
from realise.core import stored_files
from realise.core.api import (
    ROWS_VERSION_RESPONSES,
    DomainSerializer,
    DomainViewSet,
    JSONParser,
    MonthField,
    QueryParameters,
    RulesPermission,
    VisibleRelatedField,
    YesNoParameter,
    conflict,
    error_list,
    etag_matches,
    is_version,
    replace_rows,
    service_errors,
)
from realise.core.models import StaleVersion
from realise.core.permissions import access_for
from realise.organisations.models import Force

BULK_LIMIT = 1000
STALE_CHECK = "The actual changed since you read it: read it again before checking it."
VERSION_HELP = "The version you read; a stale one is refused (409)."


def visible_measurements(user):
    return Measurement.objects.filter(benefit__in=Benefit.objects.visible_to(user).values("pk"))


def benefits_with_collaboration(user):
    """The benefits `user` may see, each read with its initiative and collaboration: the
    permission checks and the audit record of a write to one of its rows read them."""
    return Benefit.objects.visible_to(user).select_related("initiative__collaboration")


class BenefitSerializer(DomainSerializer):
    initiative = VisibleRelatedField(
        scope=Initiative.objects.visible_to, queryset=Initiative.objects.all()
    )
    minimum_standard = serializers.SerializerMethodField(
        help_text="Whether the benefit meets the minimum standard of its initiative's stage, "
        "and what it lacks (the same rules as the stage gate)."
    )

    class Meta:
        model = Benefit
        fields = [
            "id",
            "initiative",
            "reference",
            "title",
            "description",
            "subcategory",
            "direction",
            "measure",
            "nature",
            "unit",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "owner",
            "measurement_owner",
            "cashable",
            "is_disbenefit",
            "identified_in_business_case",
            "identified_at_stage",
            "status",
            "minimum_standard",
            "version",
            "created_at",
            "updated_at",
        ]
        create_only_fields = ["initiative"]

    @extend_schema_field(
        inline_serializer(
            "MinimumStandard",
            {
                "stage": serializers.IntegerField(),
                "applies": serializers.BooleanField(),
                "meets": serializers.BooleanField(),
                "lacks": serializers.ListField(child=serializers.CharField()),
            },
        )
    )
    def get_minimum_standard(self, benefit) -> dict:
        """Whether the benefit meets the standard of its initiative's stage, what it lacks."""
        return benefit_standard(benefit).as_dict()

    def validate(self, attrs):
        # A stored benefit whose figures may not move to another cut is refused for that
        # first: what the new sub-category or unit would make of its values is beside it.
        if self.instance is not None:
            errors = benefit_change_errors(self.instance, self.proposed(attrs))
            if errors:
                raise serializers.ValidationError(errors)
        attrs = super().validate(attrs)
        benefit = self.proposed(attrs)
        try:
            check_benefit_standard(benefit)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        return attrs


class PlannedValueSerializer(DomainSerializer):
    benefit = VisibleRelatedField(scope=benefits_with_collaboration, queryset=Benefit.objects.all())
    period = MonthField(help_text="The month, as YYYY-MM.")

    class Meta:
        model = PlannedValue
        fields = ["id", "benefit", "period", "value", "version"]
        create_only_fields = ["benefit"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        benefit = attrs.get("benefit") or getattr(self.instance, "benefit", None)
        if benefit is not None:
            try:
                check_plan_open(benefit)
            except DjangoValidationError as error:
                raise serializers.ValidationError({"benefit": error.messages}) from None
        return attrs


# Who entered, changed, verified or returned an actual: set by the services, never by a client.
MEASUREMENT_CHECKS = [
    "entered_by",
    "changed_by",
    "verified_by",
    "verified_at",
    "returned_by",
    "returned_at",
    "return_reason",
]


def with_evidence_ids(measurements: Iterable[Measurement]) -> list[Measurement]:
    """The actuals, each given the ids of its evidence (oldest first) as `evidence_ids`,
    read in one query of ids alone rather than as whole records."""
    measurements = list(measurements)
    ids: dict[int, list[int]] = {m.pk: [] for m in measurements}
    rows = Evidence.objects.filter(measurement_id__in=ids).order_by("created_at", "pk")
    for measurement_id, pk in rows.values_list("measurement_id", "pk"):
        ids[measurement_id].append(pk)
    for measurement in measurements:
        measurement.evidence_ids = ids[measurement.pk]
    return measurements


@extend_schema_field(serializers.ListField(child=serializers.IntegerField(), read_only=True))
class EvidenceIdsField(serializers.Field):
    """The ids of an actual's evidence, oldest first (read only)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, value: Measurement) -> list[int]:
        if not hasattr(value, "evidence_ids"):
            with_evidence_ids([value])
        return value.evidence_ids


class MeasurementSerializer(DomainSerializer):
    """An actual. Creating one records it (or corrects that month's) with its evidence."""

    benefit = VisibleRelatedField(scope=benefits_with_collaboration, queryset=Benefit.objects.all())
    period = MonthField(help_text="The month the value was delivered, as YYYY-MM.")
    evidence_note = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text="Where the figure comes from; every actual needs evidence.",
    )
    evidence = EvidenceIdsField()
    verification_cleared = serializers.SerializerMethodField(
        help_text="True when this change cleared the actual's verification: it needs "
        "verifying again."
    )

    class Meta:
        model = Measurement
        fields = [
            "id",
            "benefit",
            "period",
            "force",
            "value",
            "assessment",
            "evidence_note",
            "evidence",
            "entered_by",
            "changed_by",
            "verified_by",
            "verified_at",
            "verification_cleared",
            "returned_by",
            "returned_at",
            "return_reason",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = MEASUREMENT_CHECKS
        validators: list[Any] = []  # one actual per month and force: recording again corrects it

    def get_verification_cleared(self, measurement) -> bool:
        return getattr(measurement, "verification_cleared", None) is not None


class MeasurementUpdateSerializer(MeasurementSerializer):
    """A correction: the value (or assessment) for the same benefit, month and force."""

    class Meta(MeasurementSerializer.Meta):
        # Naming another benefit, month or force is refused (that is another actual).
        create_only_fields = ["benefit", "period", "force"]
        read_only_fields = ["benefit", "period", "force", *MEASUREMENT_CHECKS]


class BulkMeasurementsSerializer(serializers.Serializer):
    measurements = MeasurementSerializer(many=True, allow_empty=False)


BulkErrors = inline_serializer(
    "BulkErrors",
    {
        "errors": serializers.ListField(
            child=inline_serializer(
                "BulkError",
                {
                    "index": serializers.IntegerField(allow_null=True),
                    "field": serializers.CharField(allow_null=True),
                    "message": serializers.CharField(),
                },
            )
        )
    },
)


class EvidenceSerializer(DomainSerializer):
    measurement = VisibleRelatedField(
        scope=visible_measurements, queryset=Measurement.objects.all()
    )
    file = serializers.FileField(write_only=True, required=False, allow_empty_file=False)
    download_url = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField(
        help_text="The file's name as uploaded, which it downloads under (null: no file)."
    )
    verification_cleared = serializers.SerializerMethodField(
        help_text="True when adding this evidence cleared the actual's verification: it "
        "needs verifying again."
    )

    class Meta:
        model = Evidence
        fields = [
            "id",
            "measurement",
            "note",
            "file",
            "download_url",
            "name",
            "uploaded_by",
            "verification_cleared",
            "created_at",
        ]
        read_only_fields = ["uploaded_by"]
        create_only_fields = ["measurement"]

    def get_verification_cleared(self, evidence) -> bool:
        return bool(getattr(evidence, "verification_cleared", False))

    def validate_note(self, note):
        problem = evidence_note_problem(note)
        if problem:
            raise serializers.ValidationError(problem)
        return note

    def get_download_url(self, evidence) -> str | None:
        if not evidence.file:
            return None
        return reverse("evidence-download", args=[evidence.pk])

    def get_name(self, evidence) -> str | None:
        return evidence.file_name or None

    def validate_file(self, upload):
        if upload is not None:
            try:
                check_evidence_file(upload, field="file")
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.message_dict["file"]) from error
        return upload

    def create(self, validated_data):
        upload = validated_data.pop("file", None)
        evidence = Evidence(**validated_data)
        if upload:
            attach_evidence_file(evidence, upload)
        evidence.save()
        return evidence

    def validate(self, attrs):
        attrs = super().validate(attrs)
        note = attrs.get("note", getattr(self.instance, "note", ""))
        has_file = attrs.get("file") or getattr(self.instance, "file", None)
        if not ((note or "").strip() or has_file):
            raise serializers.ValidationError({"note": "Give an evidence note or attach a file."})
        return attrs


# Views ------------------------------------------------------------------------------------------


class BenefitShareSerializer(serializers.ModelSerializer):
    class Meta:
        model = BenefitShare
        fields = ["force", "percent", "basis"]


class StillNeeded(exceptions.APIException):
    """A delete refused because the record is still needed: 409, as for a record still in
    use."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "still_needed"


class BenefitViewSet(DomainViewSet):
    """The benefits register."""

    serializer_class = BenefitSerializer
    filterset_fields = {
        "initiative": ["exact"],
        "initiative__collaboration": ["exact"],
        "subcategory": ["exact", "in"],
        "direction": ["exact"],
        "status": ["exact", "in"],
        "nature": ["exact"],
        "cashable": ["exact"],
        "is_disbenefit": ["exact"],
        "identified_in_business_case": ["exact"],
        "owner": ["exact"],
        "measurement_owner": ["exact"],
        "reference": ["exact"],
    }
    ordering_fields = ["reference", "title", "updated_at", "target_date"]

    def perform_destroy(self, instance):
        try:
            delete_benefit(instance, user=self.request.user)
        except DjangoPermissionDenied as denied:
            raise service_errors(denied) from None
        except DjangoValidationError as error:
            raise StillNeeded(" ".join(error.messages)) from None

    def scope(self, user):
        benefits = Benefit.objects.visible_to(user)
        # A page shows each benefit's initiative by id and measures it against the standard
        # of the initiative's stage; one benefit is checked against the rules, which read
        # its collaboration.
        related = "initiative" if self.action == "list" else "initiative__collaboration"
        return benefits.select_related(related).annotate(**benefit_profiles()).order_by("reference")

    @extend_schema(
        methods=["GET"],
        responses={200: BenefitShareSerializer(many=True)},
        summary="The benefit's own split between forces",
        description="Empty when the benefit has none: then values recorded for the whole "
        "collaboration are split by the collaboration's shares.",
    )
    @extend_schema(
        methods=["PUT"],
        request=ShareItemSerializer(many=True),
        responses={200: BenefitShareSerializer(many=True), **ROWS_VERSION_RESPONSES},
        summary="Replace the benefit's own split between forces",
        description="The shares given replace all the benefit's own shares; they must add up "
        "to exactly 100% and name only the collaboration's member forces. An empty list "
        "clears them. All or nothing. Send `If-Match` with the ETag of your last read (428 "
        "without it, 412 when the split changed since).",
    )
    @action(
        detail=True,
        methods=["get", "put"],
        url_path="shares",
        pagination_class=None,
        filter_backends=[],
    )
    def shares(self, request, pk=None):
        benefit = self.get_object()
        rows = share_rows(request.data) if request.method == "PUT" else []

        def replace() -> None:
            try:
                replace_benefit_shares(
                    benefit,
                    {row["force"]: row["percent"] for row in rows},
                    bases={row["force"]: row["basis"] for row in rows},
                    user=request.user,
                )
            except (DjangoValidationError, DjangoPermissionDenied) as error:
                raise service_errors(error) from None

        return replace_rows(request, benefit, lambda: _benefit_share_rows(benefit), replace)


def _benefit_share_rows(benefit: Benefit) -> list[dict]:
    rows = benefit.force_shares.select_related("force").order_by("force__name")
    return list(BenefitShareSerializer(rows, many=True).data)


class PlannedValueViewSet(DomainViewSet):
    """Each benefit's planned profile: what it should deliver each month."""

    serializer_class = PlannedValueSerializer
    filterset_class = PlannedValueApiFilter
    ordering_fields = ["period", "value"]

    def scope(self, user):
        # The collaboration comes with the row: the permission checks read it.
        return (
            PlannedValue.objects.filter(benefit__in=Benefit.objects.visible_to(user).values("pk"))
            .select_related("benefit__initiative__collaboration")
            .order_by("benefit_id", "period")
        )

    def perform_destroy(self, instance):
        try:
            check_plan_open(instance.benefit)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"benefit": error.messages}) from None
        super().perform_destroy(instance)


def _record(item: dict, user) -> Measurement:
    return record_measurement(
        item["benefit"],
        item["period"],
        user=user,
        force=item.get("force"),
        value=item.get("value"),
        assessment=item.get("assessment", ""),
        evidence_note=item.get("evidence_note", ""),
    )


class MeasurementViewSet(DomainViewSet):
    """Actuals: what each benefit delivered each month, for a force or the collaboration."""

    serializer_class = MeasurementSerializer
    filterset_class = MeasurementApiFilter
    ordering_fields = ["period", "updated_at", "value"]

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return MeasurementUpdateSerializer
        return MeasurementSerializer

    def scope(self, user):
        actuals = visible_measurements(user).order_by("benefit_id", "period", "force_id")
        if self.action == "list":  # a page names each actual's benefit and force by id alone
            return actuals
        # One actual is checked against the rules, which read its collaboration.
        return actuals.select_related("benefit__initiative__collaboration", "force")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else with_evidence_ids(page)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                measurement = _record(serializer.validated_data, request.user)
        except (DjangoValidationError, DjangoPermissionDenied) as error:
            raise service_errors(error) from None
        data = MeasurementSerializer(measurement, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED, headers=self._etag(measurement))

    def perform_update(self, serializer):
        instance = serializer.instance
        locked = Measurement.objects.select_for_update().get(pk=instance.pk)
        if locked.version != instance.expected_version:
            raise StaleVersion(locked.version)
        item = {
            "benefit": instance.benefit,
            "period": instance.period,
            "force": instance.force,
            "value": serializer.validated_data.get("value", instance.value),
            "assessment": serializer.validated_data.get("assessment", instance.assessment),
            "evidence_note": serializer.validated_data.get("evidence_note", ""),
        }
        try:
            serializer.instance = _record(item, self.request.user)
        except (DjangoValidationError, DjangoPermissionDenied) as error:
            raise service_errors(error) from None

    @extend_schema(
        request=BulkMeasurementsSerializer,
        responses={
            201: inline_serializer(
                "BulkRecorded",
                {
                    "recorded": serializers.IntegerField(),
                    "measurements": MeasurementSerializer(many=True),
                },
            ),
            400: OpenApiResponse(BulkErrors, description="Nothing was recorded."),
        },
        summary="Record many actuals at once (all or none)",
        description=f"Up to {BULK_LIMIT} actuals in one transaction. If any one is refused, "
        "none is recorded and the answer lists every problem with the item's index.",
    )
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk(self, request):
        try:
            payload = request.data if isinstance(request.data, dict) else {}
        except ParseError as error:
            return self._bulk_errors([{"index": None, "field": None, "message": str(error.detail)}])
        items = payload.get("measurements")
        if not isinstance(items, list) or not items:
            return self._bulk_errors(
                [
                    {
                        "index": None,
                        "field": "measurements",
                        "message": "Give a non-empty list of actuals.",
                    }
                ]
            )
        if len(items) > BULK_LIMIT:
            return self._bulk_errors(
                [
                    {
                        "index": None,
                        "field": "measurements",
                        "message": f"At most {BULK_LIMIT} actuals in one request.",
                    }
                ]
            )
        context = self.get_serializer_context()
        valid, errors, seen = [], [], {}
        for index, item in enumerate(items):
            serializer = MeasurementSerializer(data=item, context=context)
            if not serializer.is_valid():
                errors += error_list(serializer.errors, index)
                continue
            data = serializer.validated_data
            key = (data["benefit"].pk, data["period"], getattr(data.get("force"), "pk", None))
            if key in seen:
                errors.append(
                    {
                        "index": index,
                        "field": "period",
                        "message": f"The same benefit, month and force as item {seen[key]}.",
                    }
                )
                continue
            seen[key] = index
            valid.append((index, data))
        recorded = []
        with transaction.atomic():
            for index, data in valid:
                try:
                    with transaction.atomic():
                        recorded.append(_record(data, request.user))
                except DjangoPermissionDenied as denied:
                    errors.append({"index": index, "field": "force", "message": str(denied)})
                except DjangoValidationError as error:
                    errors += error_list(service_errors(error).detail, index)
            if errors:
                transaction.set_rollback(True)
        if errors:
            return self._bulk_errors(
                sorted(errors, key=lambda e: (e["index"] is not None, e["index"] or 0))
            )
        out = MeasurementSerializer(with_evidence_ids(recorded), many=True, context=context).data
        return Response({"recorded": len(recorded), "measurements": out}, status=201)

    @staticmethod
    def _bulk_errors(errors: list[dict]) -> Response:
        return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)

    # Four-eyes verification ---------------------------------------------------------------
    read_actions = ("verify", "return_")  # seeing the actual is checked here; the rest by
    # the service (who may verify: 403), so an actual the reader cannot see answers 404

    def _check(self, request, pk, act) -> Response:
        """Run `act(measurement, expected_version)`; a stale version (in the body or
        If-Match) answers 409 with the current version."""
        measurement = self.get_object()
        header = request.headers.get("If-Match")
        body = request.data.get("version") if isinstance(request.data, dict) else None
        expected = None
        if header:
            if not etag_matches(header, measurement.version):
                return conflict(status.HTTP_409_CONFLICT, STALE_CHECK, measurement.version)
            expected = measurement.version
        if body not in (None, ""):
            # As every other change checks it (`is_version`): 0, "٣" or 2.0 is no version.
            if not is_version(body):
                raise serializers.ValidationError(
                    {
                        "version": [
                            "Give the version you read as a whole number, "
                            f"e.g. {measurement.version}."
                        ]
                    }
                )
            if int(body) != measurement.version:
                return conflict(status.HTTP_409_CONFLICT, STALE_CHECK, measurement.version)
            expected = measurement.version
        try:
            measurement = act(measurement, expected)
        except StaleVersion as stale:
            return conflict(status.HTTP_409_CONFLICT, STALE_CHECK, stale.current)
        except (DjangoValidationError, DjangoPermissionDenied) as error:
            raise service_errors(error) from None
        data = MeasurementSerializer(measurement, context=self.get_serializer_context()).data
        return Response(data, headers=self._etag(measurement))

    @extend_schema(
        request=inline_serializer(
            "VerifyMeasurement",
            {"version": serializers.IntegerField(required=False, help_text=VERSION_HELP)},
        ),
        responses={200: MeasurementSerializer},
        summary="Verify an actual (four eyes)",
        description="Records who verified it and when. Refused (403) for whoever entered or "
        "last changed the actual and for anyone who is not its measurement owner, its "
        "collaboration's programme team or an administrator; 409 when the actual changed "
        "since it was read (`version` in the body, or `If-Match`).",
    )
    @action(detail=True, methods=["post"], url_path="verify")
    def verify(self, request, pk=None):
        return self._check(
            request,
            pk,
            lambda m, version: verify_measurement(m, user=request.user, expected_version=version),
        )

    @extend_schema(
        request=inline_serializer(
            "ReturnMeasurement",
            {
                "reason": serializers.CharField(help_text="Why it is sent back."),
                "version": serializers.IntegerField(required=False, help_text=VERSION_HELP),
            },
        ),
        responses={200: MeasurementSerializer},
        summary="Return an actual for correction, with a reason",
        description="Whoever entered or last changed it is notified; saving the actual "
        "again clears the return. The same refusals as verifying.",
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        reason = request.data.get("reason") if isinstance(request.data, dict) else None
        return self._check(
            request,
            pk,
            lambda m, version: return_measurement(
                m,
                user=request.user,
                reason=reason if isinstance(reason, str) else "",
                expected_version=version,
            ),
        )


class EvidenceViewSet(DomainViewSet):
    """Evidence notes and files behind each actual (files download through the page).

    Evidence is added, never changed (PUT and PATCH answer 405: add another item), and an
    actual's last evidence is never removed (409). So it carries no version: a delete
    needs none.
    """

    serializer_class = EvidenceSerializer
    parser_classes = [JSONParser, MultiPartParser]
    http_method_names = ["get", "post", "delete", "head", "options"]
    filterset_fields = ["measurement", "measurement__benefit"]
    ordering_fields = ["created_at"]

    def scope(self, user):
        return (
            Evidence.objects.filter(
                measurement__benefit__in=Benefit.objects.visible_to(user).values("pk")
            )
            .select_related("measurement__benefit__initiative__collaboration")
            .order_by("created_at", "pk")
        )

    def perform_create(self, serializer):
        self.check_create(serializer)
        with stored_files.atomic():
            evidence = serializer.save(uploaded_by=self.request.user)
            measurement = evidence_changed(evidence.measurement, user=self.request.user)
        evidence.verification_cleared = measurement.verification_cleared is not None

    def http_method_not_allowed(self, request, *args, **kwargs):
        if request.method in ("PUT", "PATCH"):
            raise exceptions.MethodNotAllowed(request.method, detail=str(EVIDENCE_FIXED))
        return super().http_method_not_allowed(request, *args, **kwargs)

    def perform_destroy(self, instance):
        try:
            delete_evidence(instance, user=self.request.user)
        except DjangoPermissionDenied as denied:
            raise service_errors(denied) from None
        except DjangoValidationError as error:
            raise StillNeeded(" ".join(error.messages)) from None


# Realisation ------------------------------------------------------------------------------------


class RealisationQuery(QueryParameters):
    collaboration = serializers.CharField(
        required=False, help_text="Slug or id; includes the collaborations nested in it."
    )
    initiative = serializers.CharField(required=False, help_text="Slug or id.")
    force = serializers.CharField(
        required=False, help_text="ONS code, slug or id: figures are that force's share."
    )
    subcategory = serializers.ListField(
        child=serializers.ChoiceField(choices=SubCategory.values),
        required=False,
        help_text="One or more sub-categories (repeat the parameter).",
    )
    cashable = YesNoParameter(
        required=False,
        allow_null=True,
        help_text="true: cashable benefits only; false: non-cashable only.",
    )
    identified = YesNoParameter(
        required=False,
        allow_null=True,
        help_text="true: benefits identified in the business case only; false: the others.",
    )
    # `from` is a Python keyword, so these two are named through the class namespace.
    locals()["from"] = MonthField(required=False, help_text="First month, YYYY-MM.")
    locals()["to"] = MonthField(required=False, help_text="Last month, YYYY-MM.")

    REPEATABLE = ("subcategory",)
    UNKNOWN = "Not a filter of the figures"

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    @staticmethod
    def _find(queryset, value: str, *names: str):
        lookups: list[dict[str, Any]] = [{"pk": int(value)}] if value.isdigit() else []
        lookups += [{f"{name}__iexact": value} for name in names]
        for lookup in lookups:
            found = queryset.filter(**lookup).first()
            if found is not None:
                return found
        return None

    def validate_collaboration(self, value):
        found = self._find(Collaboration.objects.visible_to(self.user), value, "slug")
        if found is None:
            raise serializers.ValidationError(f"No collaboration '{value}' that you can see.")
        return found

    def validate_initiative(self, value):
        found = self._find(Initiative.objects.visible_to(self.user), value, "slug")
        if found is None:
            raise serializers.ValidationError(f"No initiative '{value}' that you can see.")
        return found

    def validate_force(self, value):
        found = self._find(Force.objects.all(), value.strip(), "ons_code", "slug")
        if found is None:
            raise serializers.ValidationError(f"No force '{value}'.")
        return found

    def validate(self, attrs):
        if attrs.get("from") and attrs.get("to") and attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"from": "The period starts after it ends."})
        return attrs


class RealisationView(APIView):
    """Planned, actual and forecast figures for any cut (as `realise realisation`)."""

    authentication_classes = DomainViewSet.authentication_classes
    permission_classes = [RulesPermission]

    @extend_schema(
        parameters=[
            OpenApiParameter("collaboration", str, description="Slug or id (with nested ones)."),
            OpenApiParameter("initiative", str, description="Slug or id."),
            OpenApiParameter("force", str, description="ONS code, slug or id."),
            OpenApiParameter(
                "subcategory",
                str,
                enum=SubCategory.values,
                many=True,
                description="Repeat for several sub-categories.",
            ),
            OpenApiParameter("cashable", bool, description="Cashable (true) or not (false)."),
            OpenApiParameter(
                "identified", bool, description="Identified in the business case or not."
            ),
            OpenApiParameter(
                "from", str, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM"
            ),
            OpenApiParameter("to", str, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM"),
        ],
        responses={200: OpenApiTypes.OBJECT},
        summary="Realisation figures",
        description="The same structure as `realise realisation --format json`, counted over "
        "the benefits you may see. A parameter not listed here, or one given twice (but "
        "`subcategory`), is refused (400, naming it).",
    )
    def get(self, request):
        errors = RealisationQuery.parameter_errors(request.query_params)
        if errors:
            raise serializers.ValidationError(errors)
        query = RealisationQuery(data=request.query_params, user=request.user)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        filters = RealisationFilter(
            collaboration=data.get("collaboration"),
            initiative=data.get("initiative"),
            force=data.get("force"),
            subcategories=tuple(dict.fromkeys(data.get("subcategory") or ())),
            cashable=data.get("cashable"),
            identified=data.get("identified"),
            period_from=data.get("from"),
            period_to=data.get("to"),
        )
        base = (
            None
            if access_for(request.user).administrator
            else Benefit.objects.visible_to(request.user)
        )
        return Response(realisation(filters, base=base).as_dict())

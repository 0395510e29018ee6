"""API: regions and forces (read only), named people, and memberships (roles)."""

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response

from realise.core.api import (
    DomainReading,
    DomainSerializer,
    DomainViewSet,
    ReadOnlyDomainViewSet,
    service_errors,
)
from realise.core.permissions import may_create_anywhere
from realise.organisations import services
from realise.organisations.filtersets import MembershipFilter
from realise.organisations.models import ROLE_NAMES, Force, Membership, Person, Region
from realise.organisations.rules import may_read_email


class RegionSerializer(DomainSerializer):
    class Meta:
        model = Region
        fields = ["id", "name", "slug"]


class ForceSerializer(DomainSerializer):
    class Meta:
        model = Force
        fields = ["id", "name", "slug", "ons_code", "region", "commissioner_title"]


class PersonSerializer(DomainSerializer):
    user: serializers.PrimaryKeyRelatedField[User] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )

    class Meta:
        model = Person
        fields = ["id", "name", "role_title", "force", "email", "user", "created_at", "updated_at"]
        extra_kwargs = {
            "email": {
                "help_text": "Empty unless you manage people, it is your own, or the person "
                "chose to share it in the directory of people."
            }
        }

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "email" in attrs:
            refusal = services.refusal_to_name(attrs["email"], self.instance)
            if refusal:
                raise serializers.ValidationError({"email": [refusal]})
        return attrs

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if data.get("email") and not may_read_email(getattr(request, "user", None), instance):
            data["email"] = ""
        return data


class RegionViewSet(ReadOnlyDomainViewSet):
    """The regions of England and Wales."""

    serializer_class = RegionSerializer
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    ordering_fields = ["name"]

    def scope(self, user):
        return Region.objects.order_by("name")


class ForceViewSet(ReadOnlyDomainViewSet):
    """The territorial forces (address by id or slug)."""

    serializer_class = ForceSerializer
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filterset_fields = ["region", "ons_code", "slug"]
    ordering_fields = ["name", "ons_code"]

    def scope(self, user):
        return Force.objects.select_related("region").order_by("name")


class PersonViewSet(DomainViewSet):
    """Named people: benefit owners, measurement owners, SROs. Those the reader may choose
    as one (`Person.objects.choosable_by`: whom they may find in the directory of people,
    themself and the people they named; everyone for an administrator); anyone else is not
    found."""

    serializer_class = PersonSerializer
    filterset_fields = ["force", "email"]
    ordering_fields = ["name", "created_at"]

    def scope(self, user):
        return Person.objects.choosable_by(user).select_related("sharing").order_by("name")

    def filter_queryset(self, queryset):
        # Looking people up by email finds only those whose address the caller may read.
        user = self.request.user
        if "email" in self.request.query_params and not may_create_anywhere(user):
            queryset = queryset.filter(Q(sharing__share_email=True) | Q(user_id=user.pk))
        return super().filter_queryset(queryset)


# Memberships: who holds which role --------------------------------------------------------


@extend_schema_field(
    {
        "type": "array",
        "items": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        "example": ["7f"],
    }
)
class CollaborationsField(serializers.Field):
    """A list of collaborations, each by slug or id (`["7f", 4]`); read back as slugs.
    Checked for shape here; each is looked up in `MembershipSerializer.validate`."""

    default_error_messages = {
        "not_a_list": 'Give a list of collaboration slugs or ids, e.g. ["7f"].',
        "not_a_name": "Name each collaboration by its slug (text) or its id (a number).",
    }

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list")
        for item in data:
            named = isinstance(item, str) and item.strip()
            numbered = isinstance(item, int) and not isinstance(item, bool) and item > 0
            if not (named or numbered):
                self.fail("not_a_name")
        return [item.strip() if isinstance(item, str) else item for item in data]

    def to_representation(self, value):
        return value


def collaboration_named_or_numbered(value: int | str) -> Any:
    """A collaboration by slug or id; `services.UnknownName` naming `collaborations`."""
    if isinstance(value, str):
        try:
            return services.collaboration_named(value)
        except services.UnknownName as error:
            if not value.isdigit():
                raise services.UnknownName("collaborations", error.message) from None
    found = services.collaboration_model().objects.filter(pk=int(value)).first()
    if found is None:
        raise services.UnknownName(
            "collaborations",
            f"no collaboration with slug or id '{value}' "
            "(list them with GET /api/v1/collaborations/).",
        )
    return found


class MembershipSerializer(serializers.ModelSerializer):
    """A membership; written through `organisations.services` (the pages' and the command
    line's rules). Roles are named as on the command line (`force-lead`); the user by user
    name, the force by slug or ONS code, the collaborations by slug or id."""

    user = serializers.CharField(source="user.username", help_text="The user name.")
    role = serializers.CharField(help_text=f"One of {', '.join(ROLE_NAMES)}.")
    force = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, help_text="Slug or ONS code."
    )
    collaboration = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        write_only=True,
        help_text="Grant the role within this collaboration (slug).",
    )
    collaborations = CollaborationsField(
        required=False,
        help_text="Grant the role within these collaborations (a list of slugs or ids); "
        "read back as slugs.",
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)

    class Meta:
        model = Membership
        fields = [
            "id",
            "user",
            "role",
            "force",
            "collaboration",
            "collaborations",
            "reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def get_collaborations(self, membership) -> list[str]:
        """The collaborations it is within that the reader may see (`seen_collaborations`)."""
        request = self.context.get("request")
        if request is None:
            return sorted(c.slug for c in membership.collaborations.all())
        return sorted(c.slug for c in services.seen_collaborations(membership, request.user))

    def to_representation(self, membership):
        return {
            "id": membership.pk,
            "user": membership.user.username,
            "role": services.cli_role(membership.role),
            "force": membership.force.slug if membership.force_id else None,
            "collaborations": self.get_collaborations(membership),
            "reason": membership.reason,
            "created_at": serializers.DateTimeField().to_representation(membership.created_at),
            "updated_at": serializers.DateTimeField().to_representation(membership.updated_at),
        }

    def validate(self, attrs):
        found, errors = {}, {}
        lookups = [
            ("user", attrs.get("user", {}).get("username"), services.user_named),
            ("role", attrs.get("role"), services.role_named),
            ("force", attrs.get("force"), services.force_named),
            ("collaboration", attrs.get("collaboration"), services.collaboration_named),
        ]
        for name, value, lookup in lookups:
            if not value:
                found[name] = None
                continue
            try:
                found[name] = lookup(value)
            except services.UnknownName as error:
                errors[name] = [error.message]
        singular = found.pop("collaboration", None)
        collaborations = [singular] if singular is not None else []
        for value in attrs.get("collaborations", []):
            try:
                collaborations.append(collaboration_named_or_numbered(value))
            except services.UnknownName as error:
                errors.setdefault("collaborations", []).append(error.message)
        if errors:
            raise serializers.ValidationError(errors)
        found["collaborations"] = list({c.pk: c for c in collaborations}.values())
        found["reason"] = attrs.get("reason", "")
        return found


class MembershipViewSet(
    DomainReading,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Who holds which role. Administrators see and manage every membership; a programme
    team those within the collaborations it runs. Create grants a role (granting one
    already held answers 200 and changes nothing); delete revokes it, with a `reason` (in
    the body or the query) that is kept in the history."""

    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter
    ordering_fields = ["created_at", "role"]

    def scope(self, user):
        return services.manageable_memberships(user).order_by("user__username", "role", "pk")

    def create(self, request, *args, **kwargs):
        if not request.user.has_perm("organisations.add_membership"):
            raise exceptions.PermissionDenied(
                "Only administrators and programme teams grant roles."
            )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        collaborations = data.pop("collaborations") or [None]
        changed = False
        try:
            # Within every collaboration named or none, each checked by the same rules.
            with transaction.atomic():
                for collaboration in collaborations:
                    outcome = services.grant(**data, collaboration=collaboration, by=request.user)
                    changed = changed or outcome.changed
        except (DjangoValidationError, DjangoPermissionDenied) as error:
            raise self.named_as_sent(service_errors(error), request.data) from None
        return Response(
            self.get_serializer(outcome.membership).data,
            status=status.HTTP_201_CREATED if changed else status.HTTP_200_OK,
        )

    @staticmethod
    def named_as_sent(error, body):
        """A refusal about the collaboration, under the field the request named it by."""
        detail = getattr(error, "detail", None)
        sent = body.keys() if hasattr(body, "keys") else ()
        if isinstance(detail, dict) and "collaboration" in detail and "collaboration" not in sent:
            detail["collaborations"] = detail.pop("collaboration")
        return error

    def check_object_permissions(self, request, obj):
        """A membership the caller may see but not revoke (one also within collaborations
        they do not run) is refused with the reason the access page gives; one they may not
        see at all is not found (`scope`)."""
        try:
            super().check_object_permissions(request, obj)
        except exceptions.PermissionDenied:
            refusal = services.refusal_to_manage(request.user, obj)
            raise exceptions.PermissionDenied(refusal) from None

    def destroy(self, request, *args, **kwargs):
        membership = self.get_object()
        body = request.data if hasattr(request.data, "get") else {}
        reason = body.get("reason") or request.query_params.get("reason", "")
        if not isinstance(reason, str):
            raise serializers.ValidationError({"reason": ["Give the reason as text."]})
        try:
            services.remove(membership, by=request.user, reason=reason)
        except (DjangoValidationError, DjangoPermissionDenied) as error:
            raise service_errors(error) from None
        return Response(status=status.HTTP_204_NO_CONTENT)

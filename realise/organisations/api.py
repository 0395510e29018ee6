"""API: regions and forces (read only) and named people."""

from rest_framework import serializers

from realise.core.api import DomainSerializer, DomainViewSet, ReadOnlyDomainViewSet
from realise.organisations.models import Force, Person, Region


class RegionSerializer(DomainSerializer):
    class Meta:
        model = Region
        fields = ["id", "name", "slug"]


class ForceSerializer(DomainSerializer):
    class Meta:
        model = Force
        fields = ["id", "name", "slug", "ons_code", "region", "commissioner_title"]


class PersonSerializer(DomainSerializer):
    user = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Person
        fields = ["id", "name", "role_title", "force", "email", "user", "created_at", "updated_at"]


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
    """Named people: benefit owners, measurement owners, SROs."""

    serializer_class = PersonSerializer
    filterset_fields = ["force", "email"]
    ordering_fields = ["name", "created_at"]

    def scope(self, user):
        return Person.objects.order_by("name")

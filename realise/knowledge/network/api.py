"""API (read only): the directory of people at /api/v1/directory/ and networks at
/api/v1/networks/. The same rules as the pages (`knowledge.network`): contact details
only as each person chose to share them; a members-only network's members and resources
only for its members."""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers

from realise.core.api import ReadOnlyDomainViewSet
from realise.knowledge import network
from realise.organisations.models import Network, Person, Topic


class DirectoryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="person.pk")
    name = serializers.CharField(source="person.name")
    force = serializers.SerializerMethodField()
    job_title = serializers.CharField(help_text="Empty unless the person chose to share it.")
    email = serializers.CharField(help_text="Empty unless the person chose to share it.")
    phone = serializers.CharField(help_text="Empty unless the person chose to share it.")
    topics = serializers.SerializerMethodField(help_text="Slugs of the topics they lead.")
    collaborations = serializers.SerializerMethodField(
        help_text="Slugs of the collaborations you can see that they work on."
    )

    def get_force(self, entry) -> str | None:
        return entry.person.force.slug if entry.person.force_id else None

    def get_topics(self, entry) -> list[str]:
        return [t.slug for t in entry.topics]

    def get_collaborations(self, entry) -> list[str]:
        return [c.slug for c in entry.collaborations]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("force", str, description="A force's slug."),
            OpenApiParameter("topic", str, description="A topic's slug: people who lead it."),
        ]
    )
)
class DirectoryViewSet(ReadOnlyDomainViewSet):
    """The directory of people leading collaboration work, by force and topic. Shows only
    the contact details each person chose to share, and only people linked to
    collaborations you can see (or who say which topics they lead)."""

    serializer_class = DirectoryEntrySerializer
    filter_backends = []

    @property
    def model(self):
        return Person

    def scope(self, user):
        params = self.request.query_params
        return network.directory_people(
            user, force=params.get("force", ""), topic=params.get("topic", "")
        )

    def get_serializer(self, instance=None, *args, **kwargs):
        user = self.request.user
        if kwargs.get("many"):
            instance = network.entries(instance, user)
        elif isinstance(instance, Person):
            instance = network.entries([instance], user)[0]
        return super().get_serializer(instance, *args, **kwargs)


class NetworkResourceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    url = serializers.CharField()
    lesson = serializers.SerializerMethodField(help_text="The lesson's id, if you can see it.")
    description = serializers.CharField()

    def get_lesson(self, resource) -> int | None:
        lesson = getattr(resource, "visible_lesson", None)
        return lesson.pk if lesson is not None else None


class NetworkSerializer(serializers.ModelSerializer):
    topic: serializers.SlugRelatedField[Topic] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    member_count = serializers.IntegerField(read_only=True)
    your_role = serializers.SerializerMethodField(help_text="member, coordinator or null.")
    members = serializers.SerializerMethodField(
        help_text="Names and roles; empty for a members-only network you are not in."
    )
    resources = serializers.SerializerMethodField(
        help_text="Empty for a members-only network you are not in."
    )

    class Meta:
        model = Network
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "topic",
            "access",
            "member_count",
            "your_role",
            "members",
            "resources",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _user(self):
        return self.context["request"].user

    def get_your_role(self, obj) -> str | None:
        return network.role_in(obj, self._user())

    def get_members(self, obj) -> list[dict]:
        return [
            {"name": network.display_name(m.user), "role": m.role}
            for m in network.members_for(obj, self._user())
        ]

    @extend_schema_field(NetworkResourceSerializer(many=True))
    def get_resources(self, obj) -> list[dict]:
        resources = network.resources_for(obj, self._user())
        return list(NetworkResourceSerializer(resources, many=True).data)


class NetworkViewSet(ReadOnlyDomainViewSet):
    """National networks (communities of practice): anyone signed in sees each network's
    name and description; members and resources of a members-only network are listed for
    its members only."""

    serializer_class = NetworkSerializer
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    ordering_fields = ["name", "created_at"]

    def scope(self, user):
        return network.networks_for(user)

from django.contrib import admin

from realise.core.adminsite import DomainAdmin, DomainHistoryAdmin, ReadOnly
from realise.organisations.models import (
    Cover,
    Force,
    Invitation,
    Membership,
    Network,
    NetworkMember,
    NetworkResource,
    Person,
    Region,
    SharingPreference,
    Topic,
)


@admin.register(Region)
class RegionAdmin(DomainAdmin):
    list_display = ["name", "slug"]
    list_filter = []
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Force)
class ForceAdmin(DomainHistoryAdmin):
    list_display = ["name", "ons_code", "region", "commissioner_title"]
    list_filter = ["region", "commissioner_title"]
    search_fields = ["name", "slug", "ons_code"]


@admin.register(Person)
class PersonAdmin(DomainHistoryAdmin):
    list_display = ["name", "role_title", "force", "email", "user"]
    list_filter = ["force"]
    search_fields = ["name", "role_title", "email", "user__username"]
    raw_id_fields = ["user"]


@admin.register(Membership)
class MembershipAdmin(DomainHistoryAdmin):
    list_display = ["user", "role", "force", "source", "updated_at"]
    list_filter = ["role", "source", "force"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name"]
    raw_id_fields = ["user"]
    filter_horizontal = ["collaborations"]


@admin.register(Cover)
class CoverAdmin(DomainHistoryAdmin):
    list_display = ["person", "deputy", "starts", "ends"]
    list_filter = ["starts", "ends"]
    search_fields = ["person__name", "deputy__username", "note"]
    raw_id_fields = ["deputy"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnly, DomainAdmin):
    list_display = ["email", "status", "invited_by", "sent_at", "sent_count", "accepted_at"]
    list_filter = ["status"]
    search_fields = ["email", "user__username"]


@admin.register(Topic)
class TopicAdmin(DomainAdmin):
    list_display = ["name", "slug"]
    list_filter = []
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SharingPreference)
class SharingPreferenceAdmin(DomainHistoryAdmin):
    list_display = ["person", "share_job_title", "share_email", "share_phone"]
    list_filter = ["share_email", "share_phone", "share_job_title", "topics"]
    search_fields = ["person__name"]
    raw_id_fields = ["person"]
    filter_horizontal = ["topics"]


class NetworkMemberInline(admin.TabularInline):
    model = NetworkMember
    raw_id_fields = ["user"]
    extra = 0


class NetworkResourceInline(admin.StackedInline):
    model = NetworkResource
    raw_id_fields = ["lesson", "added_by"]
    extra = 0


@admin.register(Network)
class NetworkAdmin(DomainHistoryAdmin):
    list_display = ["name", "topic", "access", "created_at"]
    list_filter = ["access", "topic"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["created_by"]
    inlines = [NetworkMemberInline, NetworkResourceInline]


@admin.register(NetworkMember)
class NetworkMemberAdmin(DomainAdmin):
    list_display = ["network", "user", "role", "created_at"]
    list_filter = ["role", "network"]
    search_fields = ["network__name", "user__username", "user__first_name", "user__last_name"]
    raw_id_fields = ["user"]


@admin.register(NetworkResource)
class NetworkResourceAdmin(DomainHistoryAdmin):
    list_display = ["title", "network", "kind", "added_by", "created_at"]
    list_filter = ["kind", "network"]
    search_fields = ["title", "description", "url", "network__name"]
    raw_id_fields = ["lesson", "added_by"]

"""The network of people: the directory of those leading collaboration work, by force and
topic, and the networks (communities of practice) they join. Pages and the API call these.

Who is in the directory is worked out from what already exists: benefit owners and
measurement owners, initiatives' senior responsible officers, users holding a
collaboration role (programme team, force lead, benefit owner) and anyone who says which
topics they lead. A person linked only to collaborations the reader may not see (private
ones of other forces) is not listed for that reader, and the collaborations listed beside
a person are only those the reader may see (`Collaboration.objects.visible_to`).

Contact details are shown only as each person chose (`SharingPreference`, all off by
default): a reader never sees an email address, phone number or job title the person
did not choose to share.

Networks: anyone signed in sees a network's name and description and may join an open
network or a members-only one (joining is the "ask": coordinators see who joined);
members and resources of a members-only network are shown to its members (and to
administrators and inspectors) only. Coordinators and administrators add resources.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from realise.benefits.models import Benefit
from realise.collaborations.models import Collaboration, Initiative
from realise.core.permissions import access_for
from realise.knowledge.models import Lesson
from realise.organisations.models import (
    COLLABORATION_ROLES,
    Membership,
    Network,
    NetworkMember,
    NetworkResource,
    NetworkRole,
    Person,
    SharingPreference,
    Topic,
)

# The directory ----------------------------------------------------------------------------


def _models():
    return Benefit, Initiative


def directory_people(user, *, force: str = "", topic: str = "") -> QuerySet:
    """The people `user` may find in the directory (`Person.objects.known_to`, the rule
    the forms' choices of people use too), optionally of one force (slug) and leading one
    topic (slug), by name."""
    people = Person.objects.known_to(user)
    if force:
        people = people.filter(force__slug=force)
    if topic:
        people = people.filter(
            pk__in=SharingPreference.objects.filter(topics__slug=topic).values("person_id")
        )
    return people.select_related("force", "sharing").order_by("name", "pk")


def connections(people, user) -> dict[int, list]:
    """For each person (by id), the collaborations `user` may see that they work on."""
    ids = [person.pk for person in people]
    if not ids:
        return {}
    benefit_model, initiative_model = _models()
    collaboration_model = Membership._meta.get_field("collaborations").related_model
    visible = Collaboration.objects.visible_to(user).values("pk")
    benefits = benefit_model.objects.filter(initiative__collaboration__in=visible)
    pairs: set[tuple[int, int]] = set()
    pairs.update(
        benefits.filter(owner_id__in=ids).values_list("owner_id", "initiative__collaboration_id")
    )
    pairs.update(
        benefits.filter(measurement_owner_id__in=ids).values_list(
            "measurement_owner_id", "initiative__collaboration_id"
        )
    )
    pairs.update(
        initiative_model.objects.filter(sro_id__in=ids, collaboration__in=visible).values_list(
            "sro_id", "collaboration_id"
        )
    )
    pairs.update(
        Membership.objects.filter(
            role__in=COLLABORATION_ROLES, user__person__in=ids, collaborations__in=visible
        ).values_list("user__person", "collaborations")
    )
    found = collaboration_model._default_manager.in_bulk({c for _, c in pairs})
    result: dict[int, list] = {pk: [] for pk in ids}
    for person_id, collaboration_id in pairs:
        if collaboration_id in found:
            result[person_id].append(found[collaboration_id])
    for listed in result.values():
        listed.sort(key=lambda c: c.name)
    return result


@dataclass
class DirectoryEntry:
    """One person as a reader sees them: only the contact details they chose to share."""

    person: Person
    job_title: str = ""
    email: str = ""
    phone: str = ""
    topics: list[Topic] = field(default_factory=list)
    collaborations: list = field(default_factory=list)

    @property
    def shares_nothing(self) -> bool:
        return not (self.job_title or self.email or self.phone)


def sharing_of(person: Person) -> SharingPreference | None:
    try:
        return person.sharing
    except SharingPreference.DoesNotExist:
        return None


def entries(people, user) -> list[DirectoryEntry]:
    people = list(people)
    linked = connections(people, user)
    topics: dict[int, list[Topic]] = {}
    for preference in SharingPreference.objects.filter(
        person__in=[p.pk for p in people]
    ).prefetch_related("topics"):
        topics[preference.person_id] = sorted(preference.topics.all(), key=lambda t: t.name)
    result = []
    for person in people:
        sharing = sharing_of(person)
        entry = DirectoryEntry(
            person=person,
            topics=topics.get(person.pk, []),
            collaborations=linked.get(person.pk, []),
        )
        if sharing is not None:
            entry.job_title = person.role_title if sharing.share_job_title else ""
            entry.email = person.email if sharing.share_email else ""
            entry.phone = sharing.phone if sharing.share_phone else ""
        result.append(entry)
    return result


# Sharing ----------------------------------------------------------------------------------


def person_for(user, *, create: bool = False) -> Person | None:
    """The named person of a user; with `create`, made from the account when missing (the
    force of the user's first role for a force)."""
    person = Person.objects.filter(user=user).first()
    if person is None and create:
        membership = user.memberships.filter(force__isnull=False).order_by("pk").first()
        person = Person.objects.create(
            name=user.get_full_name() or user.get_username(),
            email=user.email,
            force=membership.force if membership else None,
            user=user,
        )
    return person


@transaction.atomic
def save_sharing(user, *, share_email, share_phone, share_job_title, phone, topics):
    person = person_for(user, create=True)
    if share_phone and not phone.strip():
        raise ValidationError({"phone": _("Enter the phone number to show, or do not share it.")})
    sharing, _created = SharingPreference.objects.get_or_create(person=person)
    sharing.share_email = share_email
    sharing.share_phone = share_phone
    sharing.share_job_title = share_job_title
    sharing.phone = phone.strip()
    sharing.save()
    sharing.topics.set(topics)
    return sharing


# Networks ---------------------------------------------------------------------------------


def networks_for(user) -> QuerySet:
    """Every network (names and descriptions are open to anyone signed in)."""
    if not access_for(user).authenticated:
        return Network.objects.none()
    return (
        Network.objects.select_related("topic")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("name")
    )


def role_in(network: Network, user) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        NetworkMember.objects.filter(network=network, user=user)
        .values_list("role", flat=True)
        .first()
    )


def may_see_inside(network: Network, user) -> bool:
    """Members and resources: anyone signed in for an open network, else members only."""
    access = access_for(user)
    if not access.authenticated:
        return False
    if network.is_open or access.reads_everything:
        return True
    return role_in(network, user) is not None


def may_add_resource(network: Network, user) -> bool:
    access = access_for(user)
    if not access.authenticated:
        return False
    return access.administrator or role_in(network, user) == NetworkRole.COORDINATOR


def resources_for(network: Network, user) -> list[NetworkResource]:
    if not may_see_inside(network, user):
        return []
    resources = list(network.resources.select_related("lesson").order_by("kind", "title"))
    seen_lessons = set(
        Lesson.objects.visible_to(user)
        .filter(pk__in=[r.lesson_id for r in resources if r.lesson_id])
        .values_list("pk", flat=True)
    )
    for resource in resources:
        # A lesson the reader may not see is not linked (nor named) for them.
        resource.visible_lesson = resource.lesson if resource.lesson_id in seen_lessons else None
    return resources


def members_for(network: Network, user) -> list[NetworkMember]:
    if not may_see_inside(network, user):
        return []
    return list(
        network.memberships.select_related("user", "user__person", "user__person__force").order_by(
            "role", "user__first_name", "user__last_name", "user__username"
        )
    )


@transaction.atomic
def start_network(user, *, name, slug, description, topic, access) -> Network:
    """A new network, its starter its first coordinator (administrators and programme
    teams start networks)."""
    if not user.has_perm("organisations.add_network"):
        raise PermissionDenied(_("Only administrators and programme teams start networks."))
    if Network.objects.filter(slug=slug).exists():
        raise ValidationError(
            {"slug": _("A network already uses the short name “%(slug)s”.") % {"slug": slug}}
        )
    if Network.objects.filter(name__iexact=name).exists():
        raise ValidationError(
            {"name": _("There is already a network called “%(name)s”.") % {"name": name}}
        )
    network = Network(
        name=name,
        slug=slug,
        description=description,
        topic=topic,
        access=access,
        created_by=user,
    )
    network.full_clean()
    network.save()
    NetworkMember.objects.create(network=network, user=user, role=NetworkRole.COORDINATOR)
    return network


def join(network: Network, user) -> bool:
    """Join as a member; False when already a member."""
    if not access_for(user).authenticated:
        raise PermissionDenied(_("Sign in to join a network."))
    _member, created = NetworkMember.objects.get_or_create(network=network, user=user)
    return created


@dataclass(frozen=True)
class Left:
    """What leaving did: whether the user was a member, and who now coordinates the network
    when the user was its last coordinator (the longest-standing member; None when no
    member remains, and administrators look after it)."""

    was_member: bool
    successor: NetworkMember | None = None


def leave(network: Network, user) -> Left:
    with transaction.atomic():
        membership = (
            NetworkMember.objects.select_for_update().filter(network=network, user=user).first()
        )
        if membership is None:
            return Left(False)
        membership.delete()
        if (
            membership.role != NetworkRole.COORDINATOR
            or network.memberships.filter(role=NetworkRole.COORDINATOR).exists()
        ):
            return Left(True)
        successor = network.memberships.select_related("user").order_by("created_at", "pk").first()
        if successor is not None:
            successor.role = NetworkRole.COORDINATOR
            successor.save(update_fields=["role", "updated_at"])
        return Left(True, successor)


def add_resource(network: Network, user, **fields) -> NetworkResource:
    if not may_add_resource(network, user):
        raise PermissionDenied(
            _("Only the network's coordinators and administrators add resources.")
        )
    lesson = fields.get("lesson")
    if lesson is not None and not Lesson.objects.visible_to(user).filter(pk=lesson.pk).exists():
        raise ValidationError({"lesson": _("Choose a lesson you can see.")})
    resource = NetworkResource(network=network, added_by=user, **fields)
    resource.full_clean()
    resource.save()
    return resource


def display_name(user) -> str:
    person = getattr(user, "person", None)
    if person is not None:
        return person.name
    return user.get_full_name() or user.get_username()

"""factory_boy factories for the domain, and a small two-collaboration world."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from realise.benefits.models import Benefit, Measurement, PlannedValue
from realise.collaborations.models import Collaboration, ForceShare, Initiative
from realise.governance.models import GovernanceBody
from realise.organisations.models import Force, Membership, Person


def force(name: str) -> Force:
    return Force.objects.get(name=name)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyAttribute(lambda o: o.username.capitalize())
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    role_title = "Benefits lead"


class CollaborationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collaboration

    name = factory.Sequence(lambda n: f"Collaboration {n}")
    slug = factory.Sequence(lambda n: f"collaboration-{n}")
    purpose = "Work together to save money and serve the public better."


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    collaboration = factory.SubFactory(CollaborationFactory)
    name = factory.Sequence(lambda n: f"Initiative {n}")
    slug = factory.Sequence(lambda n: f"initiative-{n}")


class GovernanceBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GovernanceBody

    collaboration = factory.SubFactory(CollaborationFactory)
    name = factory.Sequence(lambda n: f"Board {n}")
    slug = factory.Sequence(lambda n: f"board-{n}")
    body_type = "programme_board"


class BenefitFactory(factory.django.DjangoModelFactory):
    """A benefit that meets the minimum standard."""

    class Meta:
        model = Benefit

    initiative = factory.SubFactory(InitiativeFactory)
    reference = factory.Sequence(lambda n: f"B{n:04d}")
    title = factory.Sequence(lambda n: f"Benefit {n}")
    subcategory = "1a"
    direction = "decrease"
    measure = "Annual contract spend"
    unit = "GBP"
    baseline_value = Decimal("100000.00")
    target_value = Decimal("80000.00")
    owner = factory.SubFactory(PersonFactory)
    measurement_owner = factory.SubFactory(PersonFactory)
    status = "agreed"


def share(collaboration, name: str, percent: str) -> ForceShare:
    return ForceShare.objects.create(
        collaboration=collaboration, force=force(name), percent=Decimal(percent)
    )


def member(username: str, force_name: str, role: str, *collaborations) -> "UserFactory":
    user = UserFactory(username=username)
    membership = Membership.objects.create(user=user, force=force(force_name), role=role)
    membership.collaborations.set(collaborations)
    return user


def plan(benefit, start: datetime.date, values: list[str]) -> None:
    year, month = start.year, start.month
    for value in values:
        PlannedValue.objects.create(
            benefit=benefit, period=datetime.date(year, month, 1), value=Decimal(value)
        )
        month += 1
        if month == 13:
            year, month = year + 1, 1


def actual(benefit, period: datetime.date, value: str, force_obj=None) -> Measurement:
    return Measurement.objects.create(
        benefit=benefit, period=period, value=Decimal(value), force=force_obj
    )

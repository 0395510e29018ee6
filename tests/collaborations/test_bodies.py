"""The deciding bodies offered by the stage gate, agreement and change-request forms: those
of the collaboration and of every one it sits within, never one the reader may not see."""

import datetime

import pytest

from realise.benefits.ipa.forms import ChangeRequestForm
from realise.collaborations.bodies import bodies_of, collaboration_chain, governance_bodies
from realise.collaborations.forms import AgreementReviewForm, StageChangeForm
from realise.collaborations.models import Agreement
from realise.governance.models import GovernanceBody
from tests.factories import (
    BenefitFactory,
    CollaborationFactory,
    GovernanceBodyFactory,
    InitiativeFactory,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    alliance = CollaborationFactory(name="Alliance", visibility="policing")
    unit = CollaborationFactory(name="Unit", parent=alliance, visibility="policing")
    elsewhere = CollaborationFactory(name="Elsewhere", visibility="policing")
    GovernanceBodyFactory(collaboration=alliance, name="Alliance board", visibility="policing")
    GovernanceBodyFactory(collaboration=alliance, name="Chiefs' room", visibility="private")
    GovernanceBodyFactory(collaboration=unit, name="Unit board", visibility="policing")
    GovernanceBodyFactory(collaboration=elsewhere, name="Elsewhere board", visibility="policing")
    initiative = InitiativeFactory(collaboration=unit)
    lead = member("lead", "Essex", "programme_team", unit)
    return initiative, lead


def names(queryset):
    return [body.name for body in queryset]


def test_the_bodies_are_the_governance_apps_own_model(world):
    assert governance_bodies().model is GovernanceBody
    assert governance_bodies().count() == 4


def test_a_chain_is_the_collaboration_then_those_it_sits_within(world):
    initiative, _ = world
    unit = initiative.collaboration
    assert collaboration_chain(unit) == [unit.pk, unit.parent.pk]


def test_the_stage_gate_offers_the_bodies_of_the_chain_the_reader_may_see(world):
    initiative, lead = world
    form = StageChangeForm(initiative=initiative, user=lead)
    # The alliance's private room is not the unit lead's to see; the unrelated board is
    # not of this chain.
    assert names(form.fields["body"].queryset) == ["Alliance board", "Unit board"]


def test_without_a_reader_every_body_of_the_chain_is_offered(world):
    initiative, _ = world
    assert names(bodies_of(collaboration_chain(initiative.collaboration))) == [
        "Alliance board",
        "Chiefs' room",
        "Unit board",
    ]


def test_an_agreement_review_offers_the_bodies_of_its_collaboration_chain(world):
    initiative, _ = world
    agreement = Agreement.objects.create(
        collaboration=initiative.collaboration,
        title="Section 22A agreement",
        signed_on=datetime.date(2026, 4, 1),
    )
    form = AgreementReviewForm(agreement=agreement)
    assert names(form.fields["body"].queryset) == ["Alliance board", "Chiefs' room", "Unit board"]


def test_a_change_request_offers_the_bodies_the_reader_may_see(world):
    initiative, lead = world
    benefit = BenefitFactory(initiative=initiative)
    form = ChangeRequestForm(benefit=benefit, user=lead)
    assert names(form.fields["body"].queryset) == ["Alliance board", "Unit board"]

"""The Eastern region, for the tests of links between benefits across collaborations.

It holds Essex and Kent Serious Crime (the world's private collaboration, with "Joint
vetting" and the benefit "Hidden saving", EK-SECRET) and Norfolk and Suffolk, whose
programme team member pete may not see the private one. Pete's benefit is NS-1 "Custody
saving" of the initiative "Shared custody"; the region's own benefit is R-1 "Regional
saving".
"""

from tests.factories import BenefitFactory, CollaborationFactory, InitiativeFactory, member, share


def eastern_region(world):
    region = CollaborationFactory(name="Eastern region", slug="eastern")
    share(region, "Essex", "30")
    share(region, "Kent", "30")
    share(region, "Norfolk", "40")
    world.collab.parent = region
    world.collab.save()
    world.benefit.reference, world.benefit.title = "EK-SECRET", "Hidden saving"
    world.benefit.save()
    world.ns = CollaborationFactory(name="Norfolk and Suffolk", slug="ns", parent=region)
    share(world.ns, "Norfolk", "100")
    world.pete = member("pete", "Norfolk", "programme_team", world.ns)
    world.ns_initiative = InitiativeFactory(collaboration=world.ns, name="Shared custody")
    world.mine = BenefitFactory(
        initiative=world.ns_initiative, reference="NS-1", title="Custody saving"
    )
    world.regional = BenefitFactory(
        initiative=InitiativeFactory(collaboration=region, name="Regional procurement"),
        reference="R-1",
        title="Regional saving",
    )
    return world

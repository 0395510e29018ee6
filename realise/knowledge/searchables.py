"""The types the repository search covers, registered at start-up (see `apps.py`).

Collaborations, initiatives, benefits, lessons, documents, networks and their resources
always; decisions when the governance app registers them (`collaborations/decisions.py`).
Networks belong to no collaboration: a network is open to any signed-in user (`policing`),
and so are the resources of an open network; a members-only network's resources are indexed
as `private` (found by administrators and inspectors only; members find them on the
network's page). Initiatives and benefits have no visibility of their own: their entries
say `public` and their collaboration's visibility decides.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.urls import NoReverseMatch
from django.utils.translation import gettext_lazy

from realise.benefits.models import Benefit
from realise.collaborations.decisions import decision_source
from realise.collaborations.models import Collaboration, ForceShare, Initiative
from realise.knowledge.indexing import EntryData, index_object, join_text, register
from realise.knowledge.models import Document, DocumentVersion, Lesson, SearchEntry
from realise.organisations.models import Network, NetworkResource

NO_OWN_RESTRICTION = "public"
_RANK = {"private": 0, "policing": 1, "public": 2}


def narrowest(*visibilities: str) -> str:
    present = [v for v in visibilities if v]
    return min(present, key=lambda v: _RANK.get(v, 0)) if present else "private"


def describe_collaboration(collaboration: Collaboration) -> EntryData:
    forces = list(collaboration.shares.values_list("force__name", flat=True))
    return EntryData(
        title=collaboration.name,
        body=join_text(
            collaboration.purpose,
            collaboration.objectives,
            f"{collaboration.get_function_display()} collaboration",
            f"Lead force: {collaboration.lead_force}" if collaboration.lead_force_id else "",
            "Member forces: " + ", ".join(forces) if forces else "",
            collaboration.legal_basis,
        ),
        url=collaboration.get_absolute_url(),
        visibility=collaboration.visibility,
        collaboration_id=collaboration.pk,
        date=collaboration.created_at.date() if collaboration.created_at else None,
    )


def describe_initiative(initiative: Initiative) -> EntryData:
    return EntryData(
        title=initiative.name,
        body=join_text(initiative.purpose, initiative.get_stage_display()),
        url=initiative.get_absolute_url(),
        visibility=NO_OWN_RESTRICTION,
        collaboration_id=initiative.collaboration_id,
        stage=initiative.stage,
        date=initiative.start_date,
    )


def describe_benefit(benefit: Benefit) -> EntryData:
    return EntryData(
        title=benefit.title,
        body=join_text(
            benefit.description,
            benefit.measure,
            benefit.get_subcategory_display() if benefit.subcategory else "",
            "Dis-benefit" if benefit.is_disbenefit else "",
        ),
        url=benefit.get_absolute_url(),
        visibility=NO_OWN_RESTRICTION,
        collaboration_id=benefit.initiative.collaboration_id,
        stage=benefit.initiative.stage,
        date=benefit.target_date,
    )


def describe_lesson(lesson: Lesson) -> EntryData:
    return EntryData(
        title=lesson.title,
        body=join_text(
            lesson.what_happened,
            lesson.what_to_repeat,
            lesson.what_to_avoid,
            lesson.recommendation,
        ),
        url=lesson.get_absolute_url(),
        visibility=lesson.visibility,
        collaboration_id=lesson.collaboration_id,
        theme=lesson.theme,
        stage=lesson.stage,
        date=lesson.date,
    )


def describe_document(document: Document) -> EntryData:
    version = document.current_version
    return EntryData(
        title=document.title,
        body=join_text(document.description, version.extracted_text if version else ""),
        url=document.get_absolute_url(),
        visibility=document.visibility,
        collaboration_id=document.collaboration_id,
        stage=document.stage,
        date=(version.uploaded_at if version else document.created_at).date(),
    )


def describe_network(network: Network) -> EntryData:
    return EntryData(
        title=network.name,
        body=join_text(
            network.description,
            f"Network: {network.topic}" if network.topic_id else "Network",
            network.get_access_display(),
        ),
        url=network.get_absolute_url(),
        visibility="policing",
        collaboration_id=None,
        date=network.created_at.date() if network.created_at else None,
    )


def describe_network_resource(resource: NetworkResource) -> EntryData:
    network = resource.network
    return EntryData(
        title=resource.title,
        body=join_text(
            resource.description, f"{resource.get_kind_display()} shared by {network.name}"
        ),
        url=resource.get_absolute_url(),
        visibility="policing" if network.is_open else "private",
        collaboration_id=None,
        date=resource.created_at.date() if resource.created_at else None,
    )


def describe_decision(decision) -> EntryData:
    body = decision.body
    try:
        url = decision.get_absolute_url()
    except (NoReverseMatch, AttributeError):
        url = body.collaboration.get_absolute_url()
    initiative = getattr(decision, "initiative", None)
    return EntryData(
        title=str(decision),
        body=join_text(decision.text, getattr(decision, "rationale", ""), body.name),
        url=url,
        visibility=narrowest(getattr(decision, "visibility", ""), body.visibility),
        collaboration_id=body.collaboration_id,
        stage=initiative.stage if initiative is not None else None,
        date=getattr(decision, "decided_on", None),
    )


def register_decisions() -> bool:
    """Index governance decisions, if the governance app has registered them
    (`collaborations.decisions`: governance sits beside knowledge, not below it)."""
    source = decision_source()
    if source is None:
        return False
    decision_model = source.model
    register(
        "decision",
        gettext_lazy("Decision"),
        decision_model,
        describe_decision,
        plural=gettext_lazy("Decisions"),
        queryset=lambda: decision_model._default_manager.select_related("body", "initiative"),
    )
    body_model = source.body_model

    def body_saved(sender, instance, raw=False, **kwargs):
        if not raw:
            for decision in instance.decisions.select_related("body", "initiative"):
                index_object(decision)

    # Held strongly: a nested receiver held weakly would be collected at once, and a renamed
    # body would leave its decisions indexed under the old name.
    post_save.connect(
        body_saved, sender=body_model, weak=False, dispatch_uid="knowledge-body-decisions"
    )
    return True


# Changes to related rows that alter an entry ----------------------------------------------


def _share_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    collaboration = Collaboration.objects.filter(pk=instance.collaboration_id).first()
    if collaboration is not None:
        index_object(collaboration)


def _initiative_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        SearchEntry.objects.filter(
            kind="benefit", object_id__in=instance.benefits.values("pk")
        ).update(stage=instance.stage)


def _version_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    document = Document.objects.filter(pk=instance.document_id).first()
    if document is not None:
        index_object(document)


def _network_saved(sender, instance, raw=False, **kwargs):
    if not raw:  # its resources' visibility follows the network's access
        for resource in instance.resources.select_related("network"):
            index_object(resource)


def register_all() -> None:
    register(
        "collaboration",
        gettext_lazy("Collaboration"),
        Collaboration,
        describe_collaboration,
        plural=gettext_lazy("Collaborations"),
        queryset=lambda: Collaboration.objects.select_related("lead_force"),
    )
    register(
        "initiative",
        gettext_lazy("Initiative"),
        Initiative,
        describe_initiative,
        plural=gettext_lazy("Initiatives"),
        queryset=lambda: Initiative.objects.all(),
    )
    register(
        "benefit",
        gettext_lazy("Benefit"),
        Benefit,
        describe_benefit,
        plural=gettext_lazy("Benefits"),
        queryset=lambda: Benefit.objects.select_related("initiative"),
    )
    register(
        "lesson", gettext_lazy("Lesson"), Lesson, describe_lesson, plural=gettext_lazy("Lessons")
    )
    register(
        "document",
        gettext_lazy("Document"),
        Document,
        describe_document,
        plural=gettext_lazy("Documents"),
    )
    register_decisions()
    register(
        "network",
        gettext_lazy("Network"),
        Network,
        describe_network,
        plural=gettext_lazy("Networks"),
    )
    register(
        "networkresource",
        gettext_lazy("Network resource"),
        NetworkResource,
        describe_network_resource,
        plural=gettext_lazy("Network resources"),
        queryset=lambda: NetworkResource.objects.select_related("network"),
    )
    post_save.connect(_network_saved, sender=Network, dispatch_uid="knowledge-network-resources")
    post_save.connect(_share_changed, sender=ForceShare, dispatch_uid="knowledge-share-saved")
    post_delete.connect(_share_changed, sender=ForceShare, dispatch_uid="knowledge-share-deleted")
    post_save.connect(
        _initiative_saved, sender=Initiative, dispatch_uid="knowledge-initiative-stage"
    )
    post_save.connect(_version_changed, sender=DocumentVersion, dispatch_uid="knowledge-version")
    post_delete.connect(
        _version_changed, sender=DocumentVersion, dispatch_uid="knowledge-version-deleted"
    )

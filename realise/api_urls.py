"""The REST API, version 1, served under /api/v1/.

Plain views are listed in `urlpatterns`; viewsets are registered on `router`, whose URLs
are added at the end.
"""

from django.urls import URLPattern, URLResolver, path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from realise.appraisal import api as appraisal_api
from realise.benefits import api as benefits_api
from realise.collaborations import api as collaborations_api
from realise.core.api.root import RealiseAPIRoot, SchemaView
from realise.governance import api as governance_api
from realise.knowledge import api as knowledge_api
from realise.knowledge.network import api as network_api
from realise.organisations import api as organisations_api
from realise.pipeline import api as pipeline_api
from realise.reports import api as reports_api

urlpatterns: list[URLPattern | URLResolver] = [
    path("search/", knowledge_api.SearchAPIView.as_view(), name="api-search"),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:api-schema"),
        name="api-docs",
    ),
    path("realisation/", benefits_api.RealisationView.as_view(), name="api-realisation"),
    path("benchmark/", reports_api.BenchmarkView.as_view(), name="api-benchmark"),
    path(
        "initiatives/<slug:initiative>/appraisal/",
        appraisal_api.AppraisalView.as_view(),
        name="api-appraisal",
    ),
]

router = DefaultRouter()
router.APIRootView = RealiseAPIRoot
# Organisations, collaborations and the benefits register.
router.register("regions", organisations_api.RegionViewSet, basename="region")
router.register("forces", organisations_api.ForceViewSet, basename="force")
router.register("people", organisations_api.PersonViewSet, basename="person")
router.register("memberships", organisations_api.MembershipViewSet, basename="membership")
router.register("collaborations", collaborations_api.CollaborationViewSet, basename="collaboration")
router.register("shares", collaborations_api.ForceShareViewSet, basename="forceshare")
router.register("agreements", collaborations_api.AgreementViewSet, basename="agreement")
router.register(
    "agreement-reviews", collaborations_api.AgreementReviewViewSet, basename="agreementreview"
)
router.register("initiatives", collaborations_api.InitiativeViewSet, basename="initiative")
router.register(
    "stage-decisions", collaborations_api.StageDecisionViewSet, basename="stagedecision"
)
router.register("benefits", benefits_api.BenefitViewSet, basename="benefit")
router.register("planned-values", benefits_api.PlannedValueViewSet, basename="plannedvalue")
router.register("measurements", benefits_api.MeasurementViewSet, basename="measurement")
router.register("evidence", benefits_api.EvidenceViewSet, basename="evidence")
router.register("directory", network_api.DirectoryViewSet, basename="directory")
router.register("networks", network_api.NetworkViewSet, basename="network")
router.register("opportunities", pipeline_api.OpportunityViewSet, basename="opportunity")
# Governance, the repository and the economic case (read only).
governance_api.register(router)
knowledge_api.register(router)
appraisal_api.register(router)

urlpatterns += router.urls

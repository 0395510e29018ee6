from django.urls import path

from realise.pipeline import views

urlpatterns = [
    path("pipeline/", views.PipelineListView.as_view(), name="pipeline"),
    path(
        "collaborations/<slug:slug>/pipeline/",
        views.PipelineListView.as_view(),
        name="collaboration-pipeline",
    ),
    path(
        "collaborations/<slug:slug>/pipeline/new/",
        views.OpportunityCreateView.as_view(),
        name="opportunity-create",
    ),
    path(
        "opportunities/<int:pk>/", views.OpportunityDetailView.as_view(), name="opportunity-detail"
    ),
    path(
        "opportunities/<int:pk>/edit/",
        views.OpportunityUpdateView.as_view(),
        name="opportunity-edit",
    ),
    path(
        "opportunities/<int:pk>/initiative/",
        views.TurnIntoInitiativeView.as_view(),
        name="opportunity-initiative",
    ),
]

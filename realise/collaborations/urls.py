from django.urls import path

from realise.collaborations import views

urlpatterns = [
    path("collaborations/", views.CollaborationListView.as_view(), name="collaboration-list"),
    path(
        "collaborations/new/", views.CollaborationCreateView.as_view(), name="collaboration-create"
    ),
    path(
        "collaborations/<slug:slug>/",
        views.CollaborationDetailView.as_view(),
        name="collaboration-detail",
    ),
    path(
        "collaborations/<slug:slug>/edit/",
        views.CollaborationUpdateView.as_view(),
        name="collaboration-edit",
    ),
    path(
        "collaborations/<slug:slug>/agreements/",
        views.AgreementListView.as_view(),
        name="agreement-list",
    ),
    path(
        "collaborations/<slug:slug>/agreements/new/",
        views.AgreementCreateView.as_view(),
        name="agreement-create",
    ),
    path(
        "collaborations/<slug:slug>/agreements/<int:pk>/",
        views.AgreementDetailView.as_view(),
        name="agreement-detail",
    ),
    path(
        "collaborations/<slug:slug>/agreements/<int:pk>/edit/",
        views.AgreementUpdateView.as_view(),
        name="agreement-edit",
    ),
    path(
        "collaborations/<slug:slug>/agreements/<int:pk>/review/",
        views.AgreementReviewView.as_view(),
        name="agreement-review",
    ),
    path(
        "collaborations/<slug:slug>/initiatives/new/",
        views.InitiativeCreateView.as_view(),
        name="initiative-create",
    ),
    path(
        "initiatives/<slug:slug>/", views.InitiativeDetailView.as_view(), name="initiative-detail"
    ),
    path(
        "initiatives/<slug:slug>/edit/",
        views.InitiativeUpdateView.as_view(),
        name="initiative-edit",
    ),
    path(
        "initiatives/<slug:slug>/stage/", views.StageChangeView.as_view(), name="initiative-stage"
    ),
]

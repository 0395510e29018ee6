from django.urls import path

from realise.organisations import views

urlpatterns = [
    path("access/", views.AccessListView.as_view(), name="access-list"),
    path("access/grant/", views.GrantView.as_view(), name="access-grant"),
    path("access/<int:pk>/change/", views.MembershipChangeView.as_view(), name="access-change"),
    path("access/<int:pk>/revoke/", views.MembershipRevokeView.as_view(), name="access-revoke"),
    path("access/users/<str:username>/", views.UserView.as_view(), name="access-user"),
    path("access/people/", views.PeopleListView.as_view(), name="people-list"),
    path("access/people/new/", views.PersonFormView.as_view(), name="person-create"),
    path("access/people/<int:pk>/edit/", views.PersonFormView.as_view(), name="person-edit"),
    path("access/invitations/", views.InvitationListView.as_view(), name="invitation-list"),
    path("access/invite/", views.InviteView.as_view(), name="invitation-create"),
    path(
        "access/invitations/<int:pk>/<str:action>/",
        views.InvitationActionView.as_view(),
        name="invitation-action",
    ),
    path("access/cover/", views.CoverListView.as_view(), name="cover-list"),
    path("access/cover/new/", views.CoverCreateView.as_view(), name="cover-create"),
    path("access/cover/<int:pk>/end/", views.CoverEndView.as_view(), name="cover-end"),
    path(
        "invitation/<str:uidb64>/<str:token>/",
        views.AcceptInvitationView.as_view(),
        name="invitation-accept",
    ),
]

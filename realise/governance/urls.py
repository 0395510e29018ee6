from django.urls import path

from realise.governance import views

urlpatterns = [
    path("governance/", views.BodyListView.as_view(), name="body-list"),
    path(
        "governance/collaborations/<slug:slug>/bodies/new/",
        views.BodyCreateView.as_view(),
        name="body-create",
    ),
    path("governance/bodies/<slug:slug>/", views.BodyDetailView.as_view(), name="body-detail"),
    path("governance/bodies/<slug:slug>/edit/", views.BodyUpdateView.as_view(), name="body-edit"),
    path(
        "governance/bodies/<slug:slug>/members/",
        views.BodyMembersView.as_view(),
        name="body-members",
    ),
    path(
        "governance/members/<int:pk>/remove/",
        views.BodyMemberRemoveView.as_view(),
        name="body-member-remove",
    ),
    path("governance/calendar/", views.MyCalendarView.as_view(), name="my-calendar"),
    path(
        "governance/calendar/deadlines.ics",
        views.MyCalendarFeedView.as_view(),
        name="my-calendar-ics",
    ),
    path(
        "governance/bodies/<slug:slug>/calendar.ics",
        views.BodyCalendarView.as_view(),
        name="body-ics",
    ),
    path(
        "governance/bodies/<slug:slug>/meetings/new/",
        views.MeetingCreateView.as_view(),
        name="meeting-create",
    ),
    path(
        "governance/bodies/<slug:slug>/meetings/generate/",
        views.MeetingGenerateView.as_view(),
        name="meeting-generate",
    ),
    path(
        "governance/bodies/<slug:slug>/escalate/",
        views.EscalationCreateView.as_view(),
        name="body-escalate",
    ),
    path("governance/meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path(
        "governance/meetings/<int:pk>/edit/", views.MeetingUpdateView.as_view(), name="meeting-edit"
    ),
    path(
        "governance/meetings/<int:pk>/decisions/new/",
        views.DecisionCreateView.as_view(),
        name="meeting-decision-create",
    ),
    path(
        "governance/decisions/", views.DecisionListView.as_view(), name="governance-decision-list"
    ),
    path(
        "governance/decisions/<int:pk>/",
        views.DecisionDetailView.as_view(),
        name="governance-decision-detail",
    ),
    path(
        "governance/reviews/<int:pk>/",
        views.PostImplementationReviewView.as_view(),
        name="post-implementation-review",
    ),
    path(
        "governance/actions/<int:pk>/done/",
        views.ActionDoneView.as_view(),
        name="governance-action-done",
    ),
    path(
        "governance/escalations/<int:pk>/",
        views.EscalationDetailView.as_view(),
        name="governance-escalation-detail",
    ),
    path(
        "governance/escalations/<int:pk>/resolve/",
        views.EscalationResolveView.as_view(),
        name="governance-escalation-resolve",
    ),
    path(
        "governance/notifications/",
        views.NotificationListView.as_view(),
        name="governance-notifications",
    ),
    path(
        "governance/notifications/read/",
        views.NotificationsReadView.as_view(),
        name="governance-notifications-read",
    ),
    path(
        "governance/notifications/<int:pk>/open/",
        views.NotificationOpenView.as_view(),
        name="governance-notification-open",
    ),
]

"""Dashboards: national, collaboration, force and board views, and their charts."""

from django.urls import path, re_path

from realise.reports.dashboards import views

urlpatterns = [
    path("dashboards/", views.NationalDashboard.as_view(), name="dashboard-national"),
    path(
        "dashboards/collaborations/<slug:slug>/",
        views.CollaborationDashboard.as_view(),
        name="dashboard-collaboration",
    ),
    path("dashboards/forces/<slug:slug>/", views.ForceDashboard.as_view(), name="dashboard-force"),
    path("dashboards/boards/<slug:slug>/", views.BoardDashboard.as_view(), name="dashboard-board"),
    re_path(
        r"^dashboards/charts/(?P<name>[a-z-]+)\.(?P<fmt>svg|png)$",
        views.DashboardChart.as_view(),
        name="dashboard-chart",
    ),
]

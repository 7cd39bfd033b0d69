from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from oauth2_provider.views import TokenView
from rest_framework.routers import SimpleRouter

from api import organization_views, tokens, views

app_name = "api"

router = SimpleRouter(trailing_slash=True)
router.register("programs", views.Programs, basename="program")
router.register("participants", views.Participants, basename="participant")
router.register("mentorships", views.Mentorships, basename="mentorship")
router.register("requests", views.Requests, basename="request")
router.register("meetings", views.Meetings, basename="meeting")
router.register("goals", views.Goals, basename="goal")
router.register("audit", views.Audit, basename="audit")
router.register("invitations", views.Invitations, basename="invitation")
router.register("checkin-figures", views.CheckinFigures, basename="checkin-figures")
router.register("goal-figures", views.GoalFigures, basename="goal-figures")

urlpatterns = [
    path(
        "api/v1/schema/",
        login_not_required(SpectacularAPIView.as_view(api_version="v1")),
        name="schema",
    ),
    path(
        "api/v1/docs/",
        login_not_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    # An organization's integration gets its access token here (client credentials).
    path(
        "api/v1/oauth/token/",
        login_not_required(TokenView.as_view()),
        name="oauth_token",
    ),
    path("api/v1/", include(router.urls)),
    # Any other address under /api/ answers a problem, not the site's 404 page.
    re_path(r"^api/(?P<rest>[\s\S]*)$", views.not_found, name="not_found"),
    path("settings/tokens/", tokens.token_list, name="tokens"),
    path("settings/tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
    # An organization's webhooks: its organization admins only.
    path("organizations/<slug:slug>/webhooks/", organization_views.webhook_list, name="webhooks"),
    path(
        "organizations/<slug:slug>/webhooks/<int:pk>/",
        organization_views.webhook_detail,
        name="webhook",
    ),
    path(
        "organizations/<slug:slug>/webhooks/<int:pk>/rotate/",
        organization_views.webhook_rotate,
        name="webhook_rotate",
    ),
    path(
        "organizations/<slug:slug>/webhooks/<int:pk>/enable/",
        organization_views.webhook_enable,
        name="webhook_enable",
    ),
    path(
        "organizations/<slug:slug>/webhooks/<int:pk>/delete/",
        organization_views.webhook_delete,
        name="webhook_delete",
    ),
    path(
        "organizations/<slug:slug>/integrations/",
        organization_views.integration_list,
        name="integrations",
    ),
    path(
        "organizations/<slug:slug>/integrations/<int:pk>/revoke/",
        organization_views.integration_revoke,
        name="integration_revoke",
    ),
    path(
        "organizations/<slug:slug>/deliveries/<int:pk>/replay/",
        organization_views.delivery_replay,
        name="delivery_replay",
    ),
]

from __future__ import annotations

from django.urls import path

from programs import organization_views as views

app_name = "organizations"
urlpatterns = [
    path("<slug:slug>/", views.organization_detail, name="detail"),
    path("<slug:slug>/topics/", views.organization_topics, name="topics"),
    path("<slug:slug>/audit/", views.organization_audit, name="audit"),
]

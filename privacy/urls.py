from __future__ import annotations

from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("settings/privacy/", views.privacy_settings, name="settings"),
    path("settings/privacy/export/", views.export_ask, name="export"),
    path("settings/privacy/exports/<int:pk>/download/", views.export_download, name="download"),
    path("settings/privacy/delete/", views.account_delete_self, name="delete"),
    path(
        "programs/<slug:slug>/manage/participants/<int:pk>/delete-data/",
        views.participant_delete,
        name="participant_delete",
    ),
    path("organizations/<slug:slug>/privacy/", views.organization_retention, name="retention"),
]

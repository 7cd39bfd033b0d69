from __future__ import annotations

from django.urls import path

from meetings import directory, views

app_name = "meetings"
urlpatterns = [
    path("programs/<slug:slug>/profile/", views.profile_edit, name="profile"),
    path("programs/<slug:slug>/people/<int:pk>/", views.person_detail, name="person"),
    path("programs/<slug:slug>/mentors/", directory.directory, name="directory"),
]

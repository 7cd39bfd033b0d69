from __future__ import annotations

from django.urls import path

from meetings import directory
from meetings.views import checkins, closing, profiles, rounds, scheduling, together

app_name = "meetings"
urlpatterns = [
    path("programs/<slug:slug>/profile/", profiles.profile_edit, name="profile"),
    path("programs/<slug:slug>/people/<int:pk>/", profiles.person_detail, name="person"),
    path("programs/<slug:slug>/mentors/", directory.directory, name="directory"),
]
urlpatterns += together.urlpatterns
urlpatterns += scheduling.urlpatterns
urlpatterns += checkins.urlpatterns
urlpatterns += rounds.urlpatterns
urlpatterns += closing.urlpatterns

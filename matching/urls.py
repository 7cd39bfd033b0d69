from __future__ import annotations

from django.urls import path

from matching.views import sharing

app_name = "matching"
urlpatterns = [
    path("goals/<int:pk>/sharing/", sharing.goal_sharing, name="goal_sharing"),
]

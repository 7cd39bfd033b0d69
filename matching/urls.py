from __future__ import annotations

from django.urls import path

from matching import views

app_name = "matching"
urlpatterns = [
    path("goals/<int:pk>/sharing/", views.goal_sharing, name="goal_sharing"),
]

from __future__ import annotations

from django.urls import path

from goals import views

app_name = "goals"
urlpatterns = [
    path("", views.goal_list, name="list"),
    path("start/", views.goal_start, name="start"),
    path("new/", views.goal_create, name="create"),
    path("reorder/<slug:slug>/", views.goal_reorder, name="reorder"),
    path("figures/<slug:slug>/", views.program_goal_figures, name="figures"),
    path("<int:pk>/", views.goal_detail, name="detail"),
    path("<int:pk>/edit/", views.goal_edit, name="edit"),
    path("<int:pk>/move/", views.goal_move, name="move"),
    path("<int:pk>/status/", views.goal_status, name="status"),
    path("<int:pk>/steps/", views.step_add, name="step_add"),
    path("<int:pk>/progress/", views.progress_add, name="progress_add"),
    path("steps/<int:pk>/toggle/", views.step_toggle, name="step_toggle"),
    path("steps/<int:pk>/delete/", views.step_delete, name="step_delete"),
]

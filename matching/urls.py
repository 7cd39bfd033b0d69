from __future__ import annotations

from django.urls import path

from matching.directory import views as directory
from matching.views import manage, mentorships, profiles, requests, rounds, sharing

app_name = "matching"
urlpatterns = [
    path("programs/<slug:slug>/profile/", profiles.profile_edit, name="profile"),
    path("programs/<slug:slug>/people/<int:pk>/", profiles.person_detail, name="person"),
    path("programs/<slug:slug>/mentors/", directory.directory, name="directory"),
    path("goals/<int:pk>/sharing/", sharing.goal_sharing, name="goal_sharing"),
    path(
        "programs/<slug:slug>/mentors/<int:pk>/request/", requests.request_new, name="request_new"
    ),
    path("programs/<slug:slug>/board/", mentorships.board, name="board"),
    path("programs/<slug:slug>/manage/reports/", manage.reports, name="reports"),
    path(
        "programs/<slug:slug>/manage/reports/<int:pk>/",
        manage.report_action,
        name="report_action",
    ),
    path(
        "programs/<slug:slug>/manage/mentorships/",
        manage.mentorship_admin_list,
        name="admin_mentorships",
    ),
    path(
        "programs/<slug:slug>/manage/mentorships/<int:pk>/",
        manage.mentorship_admin,
        name="admin_mentorship",
    ),
    path("requests/", requests.request_list, name="requests"),
    path("requests/<int:pk>/", requests.request_detail, name="request"),
    path("requests/<int:pk>/accept/", requests.request_accept, name="request_accept"),
    path("requests/<int:pk>/ask/", requests.request_ask, name="request_ask"),
    path("requests/<int:pk>/answer/", requests.request_answer, name="request_answer"),
    path("requests/<int:pk>/decline/", requests.request_decline, name="request_decline"),
    path("requests/<int:pk>/redirect/", requests.request_redirect, name="request_redirect"),
    path("requests/<int:pk>/follow/", requests.request_follow, name="request_follow"),
    path("requests/<int:pk>/withdraw/", requests.request_withdraw, name="request_withdraw"),
    path("requests/<int:pk>/report/", requests.request_report, name="request_report"),
    path("mentorships/", mentorships.mentorship_list, name="mentorships"),
    path("mentorships/<int:pk>/", mentorships.mentorship_detail, name="mentorship"),
    path("mentorships/<int:pk>/pause/", mentorships.mentorship_pause_view, name="mentorship_pause"),
    path(
        "mentorships/<int:pk>/resume/", mentorships.mentorship_resume_view, name="mentorship_resume"
    ),
    path("mentorships/<int:pk>/close/", mentorships.mentorship_close_view, name="mentorship_close"),
    path(
        "mentorships/<int:pk>/reflect/", mentorships.mentorship_reflect, name="mentorship_reflect"
    ),
    path("mentorships/<int:pk>/report/", mentorships.mentorship_report, name="mentorship_report"),
    path("programs/<slug:slug>/matching/", rounds.round_list, name="rounds"),
    path("programs/<slug:slug>/matching/<int:pk>/", rounds.round_detail, name="round"),
    path("programs/<slug:slug>/matching/<int:pk>/run/", rounds.round_run_view, name="round_run"),
    path(
        "programs/<slug:slug>/matching/<int:pk>/preferences/",
        rounds.round_preferences,
        name="round_preferences",
    ),
    path(
        "programs/<slug:slug>/matching/<int:pk>/publish/",
        rounds.round_publish_view,
        name="round_publish",
    ),
    path(
        "programs/<slug:slug>/matching/<int:pk>/discard/",
        rounds.round_discard_view,
        name="round_discard",
    ),
    path(
        "programs/<slug:slug>/matching/<int:pk>/proposals/<int:proposal_id>/swap/",
        rounds.proposal_swap_view,
        name="proposal_swap",
    ),
    path(
        "programs/<slug:slug>/matching/<int:pk>/proposals/<int:proposal_id>/pin/",
        rounds.proposal_rule_view,
        {"what": "pin"},
        name="proposal_pin",
    ),
    path(
        "programs/<slug:slug>/matching/<int:pk>/proposals/<int:proposal_id>/unpin/",
        rounds.proposal_rule_view,
        {"what": "unpin"},
        name="proposal_unpin",
    ),
    path(
        "programs/<slug:slug>/matching/<int:pk>/proposals/<int:proposal_id>/block/",
        rounds.proposal_rule_view,
        {"what": "block"},
        name="proposal_block",
    ),
]

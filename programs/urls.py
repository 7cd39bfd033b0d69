from __future__ import annotations

from django.urls import path

from programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list, name="list"),
    path("new/", views.program_create, name="create"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("people/<int:pk>/photo/", views.person_photo, name="person_photo"),
    path("<slug:slug>/", views.program_detail, name="detail"),
    path("<slug:slug>/apply/", views.program_apply, name="apply"),
    path("<slug:slug>/manage/", views.program_manage, name="manage"),
    path("<slug:slug>/manage/settings/", views.program_settings, name="settings"),
    path("<slug:slug>/manage/invite/", views.program_invite, name="invite"),
    path("<slug:slug>/manage/import/", views.program_import, name="import"),
    path("<slug:slug>/manage/audit/", views.program_audit, name="audit"),
    path("<slug:slug>/manage/topics/", views.program_topics, name="topics"),
    path("<slug:slug>/manage/announcements/", views.program_announcements, name="announcements"),
    path("<slug:slug>/manage/enrollment/", views.program_enrollment, name="enrollment"),
    path(
        "<slug:slug>/manage/participants/<int:pk>/approve/",
        views.participant_approve,
        name="approve",
    ),
    path(
        "<slug:slug>/manage/participants/<int:pk>/decline/",
        views.participant_decline,
        name="decline",
    ),
    path(
        "<slug:slug>/manage/participants/<int:pk>/withdraw/",
        views.participant_withdraw,
        name="withdraw",
    ),
    path("<slug:slug>/manage/invitations/<int:pk>/revoke/", views.invitation_revoke, name="revoke"),
    path("<slug:slug>/manage/invitations/<int:pk>/resend/", views.invitation_resend, name="resend"),
]

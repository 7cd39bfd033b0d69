from __future__ import annotations

from django.urls import path

from conversations import views

app_name = "conversations"
urlpatterns = [
    path("messages/", views.conversation_list, name="list"),
    path("mentorships/<int:pk>/messages/", views.conversation, name="conversation"),
    path("mentorships/<int:pk>/messages/poll/", views.poll, name="poll"),
    path("mentorships/<int:pk>/messages/seen/", views.seen, name="seen"),
    path("messages/<int:pk>/edit/", views.message_edit, name="message_edit"),
    path("messages/<int:pk>/delete/", views.message_delete, name="message_delete"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("mentorships/<int:pk>/messages/block/", views.block, name="block"),
    path("messages/<int:pk>/report/", views.message_report, name="message_report"),
]

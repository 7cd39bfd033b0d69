"""The poll's "nothing new" reads the conversation's newest message from the index on
(conversation, id): an earlier form let PostgreSQL walk every message from the newest one down
until it met one of this conversation's (seen with EXPLAIN on 333,853 messages), which grows
with everybody else's messages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conversations.access import poll_state_for_user
from conversations.models import Conversation, Message
from matching.models import Mentorship
from tests.matching.factories import MentorshipFactory

pytestmark = pytest.mark.django_db


def _messages(conversation: Conversation, count: int) -> None:
    now = timezone.now()
    Message.objects.bulk_create(
        Message(conversation=conversation, text="x", created_at=now, updated_at=now)
        for _ in range(count)
    )


def test_the_newest_message_is_read_from_the_conversations_index(postgres, mentorship: Mentorship):
    mine = Conversation.objects.create(mentorship=mentorship, last_message_at=timezone.now())
    _messages(mine, 50)
    # Everybody else's messages come after this pair's, as in a busy organization.
    for _ in range(5):
        others = Conversation.objects.create(
            mentorship=MentorshipFactory(), last_message_at=timezone.now()
        )
        _messages(others, 1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE conversations_message")
        cursor.execute("ANALYZE conversations_conversation")
    newest = Message.objects.filter(conversation=mine).latest("pk").pk
    reader = mentorship.mentor.user

    with CaptureQueriesContext(connection) as ran:
        state = poll_state_for_user(reader, mentorship.pk)

    assert (state.readable, state.newest) == (True, newest)
    [sql] = [q["sql"] for q in ran.captured_queries]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "message_conversation_id" in plan, plan
    assert "conversations_message_pkey" not in plan, plan

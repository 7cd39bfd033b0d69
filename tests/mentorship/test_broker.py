"""The development broker (filesystem://) puts a message where a worker looks only once it is
written whole: a worker that read a half-written file stopped with a JSONDecodeError."""

from __future__ import annotations

import json
import os

from kombu import Connection

from mentorship.broker import Channel


def test_a_message_is_renamed_into_place_only_when_whole(tmp_path, monkeypatch):
    folders = {"data_folder_in": str(tmp_path), "data_folder_out": str(tmp_path)}
    with Connection("filesystem://", transport_options=folders) as connection:
        channel = connection.channel()
        assert isinstance(channel, Channel)  # filesystem:// is ours
        seen = []
        real_replace = os.replace

        def replace(source: str, target: str) -> None:
            with open(source, "rb") as written:
                seen.append((sorted(os.listdir(tmp_path)), written.read(), target))
            real_replace(source, target)

        monkeypatch.setattr(os, "replace", replace)
        channel._put("celery", {"body": "hello"})
        [(names, content, target)] = seen
        assert names and all(name.endswith(".msg.part") for name in names)  # none a worker takes
        assert json.loads(content) == {"body": "hello"}
        assert target.endswith(".celery.msg")
        assert channel._get("celery") == {"body": "hello"}

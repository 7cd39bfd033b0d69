"""The embedded development broker: kombu's filesystem transport, with each message written
whole before a worker can see it.

kombu's own ``_put`` creates the message file under its final name and then writes it, while a
worker's ``_get`` takes any file with that name at once, without the writer's lock: a worker
that looks between the two reads an empty file and stops (``JSONDecodeError``, seen in CI). Here
the message is written under a name no queue reads (``….msg.part``) and renamed into place,
which is atomic on one filesystem. ``mentorship.celery`` makes ``filesystem://`` mean this.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue: Any, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """Put ``payload`` onto ``queue``: written in full, then renamed to its queue's name."""
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = f"{final}.part"
        try:
            with open(partial, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel

"""The SCIM library takes seconds to import (its pydantic models read their own source): a
process loads it with the first SCIM request, not with the URL configuration every process
loads at its first request of any kind."""

from __future__ import annotations

import subprocess
import sys

from django.conf import settings

PROBE = """
import os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
django.setup()
from django.urls import resolve
resolve("/home/")  # loads the whole URL configuration and its views
print("before", "scim2_models" in sys.modules)
resolve("/scim/v2/Users").func  # the SCIM view itself still imports nothing
print("resolved", "scim2_models" in sys.modules)
from identity import scim  # what the view imports on its first call
print("after", "scim2_models" in sys.modules)
"""


def test_the_url_configuration_loads_without_the_scim_library():
    env = {"PATH": "/usr/bin:/bin", "DJANGO_ENV": "test", "DATABASE_URL": "sqlite:///:memory:"}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["before", "False", "resolved", "False", "after", "True"]

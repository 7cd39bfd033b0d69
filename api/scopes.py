"""What a token may read or do: each API route names the one scope it needs."""

from __future__ import annotations

from django.db import models


class Scope(models.TextChoices):
    PROGRAMS = "programs:read", "Read programs"
    PARTICIPANTS = "participants:read", "Read participants"
    MENTORSHIPS = "mentorships:read", "Read mentorships"
    REQUESTS = "requests:read", "Read requests (never their text)"
    MEETINGS = "meetings:read", "Read meetings (never notes or agendas)"
    GOALS = "goals:read", "Read goals"
    CHECKINS = "checkins:read", "Read check-in figures (programs you run; small groups withheld)"
    AUDIT = "audit:read", "Read audit logs (programs and organizations you run)"
    INVITATIONS = (
        "invitations:write",
        "Invite people, resend and revoke invitations (programs you run)",
    )

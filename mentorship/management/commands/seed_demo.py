"""Seed the demo organization. Idempotent: a second run finds everything and changes nothing."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import user_create
from goals.models import Goal
from goals.services import goal_create, goal_progress_add, goal_step_add, goal_step_toggle
from matching.models import (
    AdvisorRole,
    Frequency,
    HelpKind,
    MatchingRound,
    MeetingFormat,
    MentorProfile,
    Mentorship,
    MentorshipRequest,
    Seniority,
)
from matching.requests import (
    request_accept,
    request_ask_info,
    request_create,
    request_decline,
    request_redirect,
    requests_expire_due,
)
from matching.rounds.selectors import round_facts, unmatched_mentees
from matching.rounds.services import round_create, round_run
from matching.services import (
    availability_set,
    goal_share_with_mentors,
    mentee_profile_update,
    mentor_profile_update,
    mentorship_start,
)
from matching.windows import Window
from meetings.models import Advice, CheckIn, Meeting
from meetings.services.checkins import checkins_open_due, period_of
from meetings.services.scheduling import meeting_confirm, meeting_propose, slots_for
from meetings.services.together import (
    action_item_add,
    advice_add,
    advice_report_back,
    agenda_item_add,
    agreement_confirm,
    agreement_propose,
    appreciation_send,
    feedback_leave,
    shared_notes_save,
)
from mentorship.cache import DIRECTORY_VERSION
from notifications.digest import last_week
from notifications.models import Delivery, Notification, Reminder
from notifications.reminders import CHOOSABLE, preferences_of, preferences_save
from notifications.services import notify
from programs.models import (
    Invitation,
    Organization,
    OrganizationAdmin,
    Participant,
    Program,
    Role,
    Topic,
)
from programs.services import (
    invitation_create,
    organization_admin_grant,
    participant_add,
    participant_apply,
    program_create,
    topic_create,
)
from reports.dashboard import STALLED, health_table, nudge_pair

DEMO_PASSWORD = "twoway-demo"  # noqa: S105 (documented demo logins)
HISTORY_DAYS = 190  # how long the demo program has run

TOPICS = [
    "Public speaking",
    "System design",
    "Negotiating salary",
    "Career change",
    "People management",
    "Giving feedback",
    "Product strategy",
    "Data analysis",
    "Stakeholder management",
    "Time management",
    "Writing",
    "Cloud architecture",
    "Hiring and interviewing",
    "Sales craft",
    "UX research",
    "Personal finance",
    "Leading without authority",
    "Working across cultures",
    "Security basics",
    "Building a network",
]

# (title, why, horizon, steps) per mentee, picked round-robin.
GOAL_IDEAS = [
    (
        "Present with confidence to senior leaders",
        "I freeze in big meetings and my ideas get lost.",
        "short",
        [
            "Volunteer for the next team demo",
            "Record a 5-minute practice talk",
            "Ask for feedback from my lead",
        ],
    ),
    (
        "Move into product management within three years",
        "I enjoy the why more than the how.",
        "long",
        ["Shadow a PM for one sprint", "Read two books on product discovery"],
    ),
    (
        "Run effective one-on-ones with my new reports",
        "I start managing two people next month.",
        "short",
        [
            "Draft a one-on-one template",
            "Agree a cadence with each report",
            "Ask a manager how they run theirs",
        ],
    ),
    (
        "Build a network outside my department",
        "I only know my own team.",
        "long",
        ["Join the data guild meeting", "Have coffee with one person a month"],
    ),
    (
        "Ship the onboarding redesign this quarter",
        "It is my first project as lead.",
        "short",
        ["Write the project brief", "Agree scope with design", "Plan the rollout"],
    ),
    (
        "Negotiate my next raise with evidence",
        "I have never asked and I undersell my work.",
        "short",
        ["Collect my wins of the last year", "Research market ranges"],
    ),
]

# (full name, time zone, department, job title)
MENTORS = [
    ("Amara Okafor", "Africa/Lagos", "Engineering", "Principal Engineer"),
    ("Lars Johansson", "Europe/Stockholm", "Product", "Director of Product"),
    ("Priya Raman", "Asia/Kolkata", "Engineering", "Engineering Manager"),
    ("Diego Fernández", "America/Mexico_City", "Sales", "Regional Sales Lead"),
    ("Hannah Becker", "Europe/Berlin", "People", "Head of Learning"),
    ("Kenji Watanabe", "Asia/Tokyo", "Design", "Design Lead"),
    ("Grace Mensah", "Europe/London", "Finance", "Finance Business Partner"),
    ("Mateus Oliveira", "America/Sao_Paulo", "Engineering", "Staff Engineer"),
    ("Chloé Martin", "Europe/Paris", "Marketing", "Brand Director"),
    ("Samuel Cohen", "America/New_York", "Legal", "Senior Counsel"),
    ("Aisha Rahman", "Asia/Dubai", "Operations", "Operations Manager"),
    ("Tomasz Nowak", "Europe/Warsaw", "Engineering", "Site Reliability Lead"),
    ("Mei Lin", "Asia/Singapore", "Data", "Head of Analytics"),
    ("Olivia Brown", "Australia/Sydney", "Customer Success", "Customer Success Director"),
    ("Rafael Costa", "Europe/Lisbon", "Product", "Senior Product Manager"),
    ("Ingrid Solberg", "Europe/Oslo", "People", "HR Business Partner"),
    ("Jamal Washington", "America/Chicago", "Sales", "VP Sales"),
    ("Sofia Rossi", "Europe/Rome", "Design", "Principal Designer"),
    ("Nikhil Desai", "America/Los_Angeles", "Data", "Machine Learning Lead"),
    ("Emily Clarke", "America/Toronto", "Marketing", "Content Strategy Lead"),
]
MENTEES = [
    ("Noah Schmidt", "Europe/Berlin", "Engineering", "Software Engineer"),
    ("Fatima Zahra", "Africa/Casablanca", "Operations", "Operations Analyst"),
    ("Liam O'Connor", "Europe/Dublin", "Sales", "Account Executive"),
    ("Yuki Tanaka", "Asia/Tokyo", "Engineering", "Junior Developer"),
    ("Zoe Adeyemi", "Europe/London", "Marketing", "Marketing Associate"),
    ("Lucas Moreau", "Europe/Paris", "Product", "Associate Product Manager"),
    ("Ana Souza", "America/Sao_Paulo", "Design", "UX Designer"),
    ("Ethan Walker", "America/New_York", "Finance", "Financial Analyst"),
    ("Isabella García", "Europe/Madrid", "Customer Success", "Customer Success Manager"),
    ("Arjun Mehta", "Asia/Kolkata", "Data", "Data Analyst"),
    ("Chen Wei", "Asia/Shanghai", "Engineering", "QA Engineer"),
    ("Maya Patel", "America/Chicago", "People", "Recruiter"),
    ("Oskar Lindqvist", "Europe/Stockholm", "Engineering", "Backend Developer"),
    ("Leila Haddad", "Asia/Beirut", "Legal", "Paralegal"),
    ("Daniel Kim", "America/Los_Angeles", "Design", "Product Designer"),
    ("Amelia Wilson", "Australia/Melbourne", "Marketing", "Social Media Specialist"),
    ("Mohammed Al-Sayed", "Asia/Riyadh", "Operations", "Logistics Coordinator"),
    ("Hana Novak", "Europe/Prague", "Engineering", "Frontend Developer"),
    ("Gabriel Silva", "Europe/Lisbon", "Sales", "Sales Development Rep"),
    ("Nora Kowalski", "Europe/Warsaw", "Finance", "Accountant"),
    ("Kwame Asante", "Africa/Accra", "Engineering", "DevOps Engineer"),
    ("Elena Petrova", "Europe/Sofia", "Data", "Data Engineer"),
    ("Jack Thompson", "Europe/London", "Product", "Product Analyst"),
    ("Sara Lindgren", "Europe/Helsinki", "People", "People Partner"),
    ("Ravi Shankar", "Asia/Kolkata", "Engineering", "Mobile Developer"),
    ("Camila Torres", "America/Bogota", "Customer Success", "Support Lead"),
    ("Ben Carter", "America/Denver", "Engineering", "Platform Engineer"),
    ("Aiko Suzuki", "Asia/Tokyo", "Marketing", "Growth Marketer"),
    ("Omar Farouk", "Africa/Cairo", "Finance", "Treasury Analyst"),
    ("Julia Hoffmann", "Europe/Vienna", "Legal", "Compliance Specialist"),
    ("Tariq Aziz", "Asia/Karachi", "Data", "BI Developer"),
    ("Lucy Nguyen", "Asia/Ho_Chi_Minh", "Design", "Visual Designer"),
    ("Mason Reed", "America/Phoenix", "Sales", "Solutions Engineer"),
    ("Eva Jansen", "Europe/Amsterdam", "Product", "Product Owner"),
    ("Felipe Ramírez", "America/Santiago", "Operations", "Process Analyst"),
    ("Grace Liu", "America/Vancouver", "Engineering", "Security Engineer"),
    ("Hugo Lefèvre", "Europe/Brussels", "Customer Success", "Onboarding Specialist"),
    ("Ines Duarte", "Atlantic/Azores", "People", "L&D Coordinator"),
    ("Sipho Dlamini", "Africa/Johannesburg", "Engineering", "Data Platform Engineer"),
    ("Rosa Jiménez", "America/Lima", "Marketing", "Events Manager"),
]


class Command(BaseCommand):
    help = "Create the demo organization, programs and accounts (password: twoway-demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        # Hashing is slow on purpose; 61 accounts share one password, so hash it once.
        self.password_hash = make_password(DEMO_PASSWORD)
        with transaction.atomic():
            created = self._seed()
        # The seed writes some rows in bulk (no signals): no kept directory ranking survives it.
        DIRECTORY_VERSION.change()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready ({created} new accounts). Log in with mentee1@example.com, "
                f"mentor1@example.com or admin@example.com (also the organization admin of "
                f"Demo Org), password {DEMO_PASSWORD}."
            )
        )

    def _user(
        self, email: str, full_name: str, time_zone: str, department: str, job_title: str
    ) -> tuple[User, bool]:
        user = User.objects.filter(email=email).first()
        if user is not None:
            return user, False
        return (
            user_create(
                email=email,
                full_name=full_name,
                password=None,
                password_hash=self.password_hash,
                time_zone=time_zone,
                department=department,
                job_title=job_title,
                email_verified=True,
            ),
            True,
        )

    def _member(self, program: Program, user: User, role: str, actor: User) -> None:
        if not Participant.objects.filter(program=program, user=user, role=role).exists():
            participant_add(program=program, user=user, role=role, actor=actor)

    def _seed(self) -> int:
        created = 0
        admin, new = self._user(
            "admin@example.com", "Alex Morgan", "Europe/London", "People", "Mentoring Program Lead"
        )
        created += new
        organization, _ = Organization.objects.get_or_create(
            slug="demo-org", defaults={"name": "Demo Org"}
        )
        # The demo admin also runs the organization's shared topic list (an operator grants
        # this role in /admin/; the seed stands in for the operator).
        if not OrganizationAdmin.objects.filter(organization=organization, user=admin).exists():
            organization_admin_grant(organization=organization, user=admin, actor=None)

        program = Program.objects.filter(slug="demo").first()
        if program is None:
            program = program_create(
                organization=organization,
                created_by=admin,
                slug="demo",
                name="Demo Mentoring Program",
                description=(
                    "Our company-wide one-on-one program. Mentees set goals first, then ask a mentor "
                    "for a small first step, such as a 30-minute conversation."
                ),
                kind=Program.Kind.ONE_ON_ONE,
                # Mentees request mentors, and the admin matches whoever is left in rounds.
                matching_mode=Program.MatchingMode.BOTH,
                # Half a year of history behind it, so the dashboard's charts have a shape.
                starts_on=timezone.localdate() - timedelta(days=HISTORY_DAYS),
                ends_on=timezone.localdate() + timedelta(days=365 - HISTORY_DAYS),
                checkin_cadence_months=1,
            )

        mentors, mentees = [], []
        for number, (name, zone, department, title) in enumerate(MENTORS, start=1):
            user, new = self._user(f"mentor{number}@example.com", name, zone, department, title)
            created += new
            mentors.append(user)
            self._member(program, user, Role.MENTOR, admin)
        for number, (name, zone, department, title) in enumerate(MENTEES, start=1):
            user, new = self._user(f"mentee{number}@example.com", name, zone, department, title)
            created += new
            mentees.append(user)
            self._member(program, user, Role.MENTEE, admin)

        # A second, open program: applications and an invitation to show on the home pages.
        circle = Program.objects.filter(slug="leadership-circle").first()
        if circle is None:
            circle = program_create(
                organization=organization,
                created_by=admin,
                slug="leadership-circle",
                name="Leadership Circle",
                description="Peer mentoring for new and aspiring people managers.",
                kind=Program.Kind.PEER,
                starts_on=date(2026, 10, 1),
                enrollment_open=True,
                matching_mode=Program.MatchingMode.ADMIN_ASSIGNS,
            )
            for user in mentors[:3]:
                self._member(circle, user, Role.MENTOR, admin)
            for user in mentees[3:8]:
                self._member(circle, user, Role.MENTEE, admin)
            for user in mentees[10:12]:
                participant_apply(program=circle, user=user, role=Role.MENTEE)
            if not Invitation.objects.filter(program=circle, email=mentees[0].email).exists():
                invitation_create(
                    program=circle, invited_by=admin, email=mentees[0].email, role=Role.MENTEE
                )
            if not Notification.objects.filter(
                recipient=mentees[0], kind=Notification.Kind.GENERAL
            ).exists():
                notify(
                    recipient=mentees[0],
                    kind=Notification.Kind.GENERAL,
                    title="Welcome to Twoway: start by writing down one goal",
                    body="Goals come before mentors: what do you want to get out of mentoring this year?",
                    link=program.get_absolute_url(),
                )
        self._seed_profiles_and_goals(program, admin, mentors, mentees)
        self._seed_requests(program, mentors, mentees)
        self._seed_meetings(program)
        self._seed_history(program, mentees)
        self._seed_reminder_history(program, mentees)
        self._seed_reminders()
        self._seed_matching_round(program, admin)
        self._seed_nudge(program)
        return created

    def _seed_reminders(self) -> None:
        """Run every scan once, so the ledger has reminders of each kind that is due now
        (make run's worker delivers them; the scans are idempotent, so a rerun adds nothing)."""
        from mentorship.management.commands.send_due_reminders import SCANS

        now = timezone.now()
        # History: the demo relationships began last period, so this period's check-ins are open.
        Mentorship.objects.filter(started_at__gt=now - timedelta(days=120)).update(
            started_at=now - timedelta(days=120)
        )
        for scan in SCANS:
            scan(now=now)
        checkins_open_due(now=now)

    def _seed_history(self, program: Program, mentees: list[User]) -> None:
        """Half a year as it happened: people joining, requests sent and answered, meetings
        roughly every two to four weeks, monthly check-ins and goals achieved. Two pairs went
        quiet (stalled), two had a bad month (at risk), one cancelled late twice."""
        now = timezone.now()
        if Meeting.objects.filter(
            mentorship__program=program, starts_at__lt=now - timedelta(days=60)
        ).exists():
            return
        rng = random.Random(11)  # noqa: S311 (demo data, not security)
        start = now - timedelta(days=HISTORY_DAYS - 10)
        for offset, pk in enumerate(
            Participant.objects.filter(program=program)
            .exclude(role=Role.ADMIN)
            .order_by("pk")
            .values_list("pk", flat=True)
        ):
            Participant.objects.filter(pk=pk).update(joined_at=start + timedelta(days=offset % 21))
        pairs = {
            int(m.mentee.user.email.removeprefix("mentee").split("@")[0]): m
            for m in Mentorship.objects.filter(
                program=program, status=Mentorship.Status.ACTIVE
            ).select_related("mentor__user", "mentee__user")
        }
        stalled, at_risk, late, untouched = {7, 8}, {5, 9}, {4}, {6}
        for number, pair in sorted(pairs.items()):
            started = start + timedelta(days=20 + 3 * number)
            Mentorship.objects.filter(pk=pair.pk).update(started_at=started)
            asked = MentorshipRequest.objects.create(
                program=program,
                mentee=pair.mentee,
                mentor=pair.mentor,
                why_this_mentor="Your profile says you have done what I am trying to do.",
                status=MentorshipRequest.Status.ACCEPTED,
                answered_at=started,
                closed_at=started,
                expires_at=started + timedelta(days=14),
                mentorship=pair,
            )
            MentorshipRequest.objects.filter(pk=asked.pk).update(
                created_at=started - timedelta(days=rng.randint(1, 6))
            )
            if number in untouched:
                continue
            last = now - timedelta(days=80 if number in stalled else 4)
            day = started + timedelta(days=rng.randint(5, 12))
            while day < last:
                begins = day.replace(hour=14, minute=0, second=0, microsecond=0)
                Meeting.objects.create(
                    mentorship=pair,
                    starts_at=begins,
                    ends_at=begins + timedelta(minutes=45),
                    status=Meeting.Status.HELD,
                    proposed_by=pair.mentee.user,
                    confirmed_at=begins - timedelta(days=3),
                    held_at=begins + timedelta(minutes=45),
                )
                day += timedelta(days=rng.choice([10, 14, 14, 21, 28]))
            if number in late:
                for days_ago in (50, 20):
                    begins = (now - timedelta(days=days_ago)).replace(
                        hour=9, minute=0, second=0, microsecond=0
                    )
                    Meeting.objects.create(
                        mentorship=pair,
                        starts_at=begins,
                        ends_at=begins + timedelta(minutes=30),
                        status=Meeting.Status.CANCELLED,
                        proposed_by=pair.mentee.user,
                        cancelled_at=begins - timedelta(hours=2),
                        cancelled_late=True,
                    )
            self._seed_checkins(pair, started, now, rng, low=number in at_risk)
            goal = (
                Goal.objects.filter(owner=pair.mentee, status=Goal.Status.ACTIVE)
                .order_by("-position")
                .first()
            )
            if goal is not None and number % 3:
                Goal.objects.filter(pk=goal.pk).update(
                    status=Goal.Status.ACHIEVED,
                    progress=100,
                    achieved_at=now - timedelta(days=rng.randint(7, HISTORY_DAYS - 40)),
                )
        # Requests that did not become mentorships: declined, expired, withdrawn.
        mentors = list(Participant.objects.filter(program=program, role=Role.MENTOR).order_by("pk"))
        waiting = list(
            Participant.objects.filter(
                program=program, role=Role.MENTEE, user__email__in=[u.email for u in mentees[15:]]
            )
        )
        endings = [
            MentorshipRequest.Status.DECLINED,
            MentorshipRequest.Status.EXPIRED,
            MentorshipRequest.Status.WITHDRAWN,
        ]
        for k in range(30):
            sent = start + timedelta(days=rng.randint(0, HISTORY_DAYS - 30))
            status = endings[k % 3]
            done = sent + timedelta(days=rng.randint(1, 9))
            asked = MentorshipRequest.objects.create(
                program=program,
                mentee=waiting[k % len(waiting)],
                mentor=mentors[rng.randrange(len(mentors))],
                why_this_mentor="I would value your view on my next step.",
                status=status,
                answered_at=done if status == MentorshipRequest.Status.DECLINED else None,
                decline_reason=MentorshipRequest.DeclineReason.NO_TIME
                if status == MentorshipRequest.Status.DECLINED
                else "",
                closed_at=done,
                expires_at=sent + timedelta(days=14),
            )
            MentorshipRequest.objects.filter(pk=asked.pk).update(created_at=sent)

    def _seed_checkins(
        self, pair: Mentorship, started: Any, now: Any, rng: random.Random, *, low: bool
    ) -> None:
        """Answered monthly check-ins from the month after the start until last month."""
        comments = [
            "We found our rhythm; the agenda a day before helps a lot.",
            "Hard to find time this month, but the last talk was worth it.",
            "I would like more concrete feedback on my drafts.",
            "",
            "",
        ]
        day = (started.date().replace(day=1) + timedelta(days=32)).replace(day=1)
        this_month = timezone.localdate(now).replace(day=1)
        while day < this_month:
            key, _ = period_of(day, 1)
            last = (day + timedelta(days=32)).replace(day=1) >= this_month
            for person in (pair.mentor.user, pair.mentee.user):
                score = (
                    2
                    if low and last and person == pair.mentee.user
                    else rng.choice([3, 4, 4, 5, 5])
                )
                comment = rng.choice(comments)
                CheckIn.objects.create(
                    mentorship=pair,
                    person=person,
                    period_key=key,
                    due_on=day,
                    status=CheckIn.Status.ANSWERED,
                    satisfaction=score,
                    energy=score if low else max(3, min(5, score + rng.choice([-1, 0, 0, 1]))),
                    norms_fit=CheckIn.NormsFit.YES,
                    comment=comment,
                    comment_visibility=CheckIn.Visibility.ADMINS
                    if rng.random() < 0.5
                    else CheckIn.Visibility.SHARED,
                    answered_at=datetime.combine(
                        day + timedelta(days=rng.randint(1, 6)), time(12), tzinfo=UTC
                    ),
                )
            day = (day + timedelta(days=32)).replace(day=1)

    def _seed_nudge(self, program: Program) -> None:
        """The admin has nudged the quietest stalled pair this week."""
        quietest = next(iter(health_table(program=program, health=STALLED)), None)
        if quietest is not None:
            nudge_pair(program=program, mentorship=quietest)

    def _seed_matching_round(self, program: Program, admin: User) -> None:
        """A round over the mentees still without a mentor, run once and waiting to publish."""
        if MatchingRound.objects.filter(program=program).exists():
            return
        waiting = list(unmatched_mentees(program).values_list("pk", flat=True))
        if not waiting:
            return
        matching_round = round_create(
            program=program, actor=admin, name="Autumn round", mentee_ids=waiting
        )
        round_run(
            matching_round=matching_round,
            actor=admin,
            facts=round_facts(program=program, mentee_ids=waiting),
        )

    def _seed_reminder_history(self, program: Program, mentees: list[User]) -> None:
        """Write the past so that every kind of reminder is due once now (the scans then find
        them): a meeting tomorrow, one held yesterday, a pair overdue for its agreed rhythm, a
        request waiting four days and one that expired, advice with no outcome after two
        weeks, an end date in ten days, and last week's items for a weekly digest."""
        if Delivery.objects.filter(subject_key__startswith="demo-history:").exists():
            return
        now = timezone.now()
        by_mentee = {
            m.mentee.user.email: m
            for m in Mentorship.objects.filter(
                program=program, status=Mentorship.Status.ACTIVE
            ).select_related("mentor__user", "mentee__user")
        }

        def pair(number: int) -> Mentorship:
            return by_mentee[f"mentee{number}@example.com"]

        # Meeting reminder (tomorrow) and follow-up (held yesterday): written as they happened.
        tomorrow = (now + timedelta(hours=20)).replace(minute=0, second=0, microsecond=0)
        Meeting.objects.create(
            mentorship=pair(2),
            starts_at=tomorrow,
            ends_at=tomorrow + timedelta(minutes=30),
            status=Meeting.Status.CONFIRMED,
            proposed_by=pair(2).mentee.user,
            confirmed_at=now - timedelta(days=2),
        )
        yesterday = (now - timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
        Meeting.objects.create(
            mentorship=pair(3),
            starts_at=yesterday,
            ends_at=yesterday + timedelta(minutes=45),
            status=Meeting.Status.HELD,
            proposed_by=pair(3).mentee.user,
            confirmed_at=yesterday - timedelta(days=4),
            held_at=yesterday + timedelta(minutes=45),
        )
        # Cadence: a monthly rhythm agreed 45 days ago, and no meeting since.
        overdue = pair(6)
        agreement_propose(
            mentorship=overdue,
            actor=overdue.mentee.user,
            frequency=Frequency.MONTHLY,
            format="video",
            channel="The video link in the calendar invite",
            between_meetings="",
            meeting_minutes=45,
            other="",
        )
        agreement = agreement_confirm(mentorship=overdue, actor=overdue.mentor.user, version=1)
        type(agreement).objects.filter(pk=agreement.pk).update(
            confirmed_at=now - timedelta(days=45)
        )
        # Report back: advice given sixteen days ago that the mentee has not acted on yet.
        Advice.objects.filter(mentorship__program=program, outcome="").update(
            created_at=now - timedelta(days=16)
        )
        # Relationship ending: an end date ten days away.
        Mentorship.objects.filter(pk=pair(15).pk).update(
            ends_on=timezone.localdate(now) + timedelta(days=10)
        )
        # A request waiting four days on its mentor, and one that expired unanswered.
        waiting = MentorshipRequest.objects.filter(
            program=program,
            status=MentorshipRequest.Status.PENDING,
            waiting_on=MentorshipRequest.WaitingOn.MENTOR,
        ).order_by("pk")
        MentorshipRequest.objects.filter(pk__in=waiting.values("pk")[:1]).update(
            created_at=now - timedelta(days=4)
        )
        stale = waiting.exclude(mentee__user__email="mentee1@example.com").last()
        if stale is not None:
            MentorshipRequest.objects.filter(pk=stale.pk).update(
                created_at=now - timedelta(days=15), expires_at=now - timedelta(hours=1)
            )
            requests_expire_due(now=now)
        # Weekly digest: mentee4 has action items go to the digest; last week had two.
        digest_person = mentees[3]
        prefs = preferences_of(digest_person)
        channels = {kind: dict(prefs.for_kind(kind)) for kind in CHOOSABLE}
        channels[Reminder.ACTION_DUE] = {"in_app": False, "email": False, "digest": True}
        preferences_save(
            user=digest_person,
            channels=channels,
            quiet_start=prefs.quiet_start,
            quiet_end=prefs.quiet_end,
        )
        _key, last_monday, _end = last_week(now)
        for day, text in ((1, "Read the chapter on feedback"), (3, "Ask Sam for an intro")):
            Delivery.objects.create(
                recipient=digest_person,
                kind=Reminder.ACTION_DUE,
                subject_key=f"demo-history:{day}",
                period_key=f"{last_monday + timedelta(days=day):%Y-%m-%d}",
                title=f"Due tomorrow: {text}",
                link=reverse("home"),
                due_at=last_monday + timedelta(days=day, hours=9),
                state=Delivery.State.SENT,
                sent_at=last_monday + timedelta(days=day, hours=9),
                channels="digest",
            )

    def _seed_meetings(self, program: Program) -> None:
        """Norms, a held meeting with notes, advice and thanks, and an upcoming one with an agenda."""
        if Meeting.objects.filter(mentorship__program=program).exists():
            return
        now = timezone.now()
        mentorships = list(
            Mentorship.objects.filter(program=program, status=Mentorship.Status.ACTIVE)
            .select_related("mentor__user", "mentee__user")
            .order_by("mentee__user__email")[:10]
        )
        for number, mentorship in enumerate(mentorships):
            mentor, mentee = mentorship.mentor.user, mentorship.mentee.user
            agreement_propose(
                mentorship=mentorship,
                actor=mentee,
                frequency="monthly",
                format="video",
                channel="The video link in the calendar invite",
                between_meetings="Short messages in chat, answered within two working days",
                meeting_minutes=30,
                other="Agenda questions at least a day before.",
            )
            if number < 8:
                agreement_confirm(mentorship=mentorship, actor=mentor, version=1)
            # History cannot be proposed in the past, so the held meeting is written as it happened.
            start = (now - timedelta(days=10 + number)).replace(
                hour=14, minute=0, second=0, microsecond=0
            )
            held = Meeting.objects.create(
                mentorship=mentorship,
                starts_at=start,
                ends_at=start + timedelta(minutes=30),
                status=Meeting.Status.HELD,
                proposed_by=mentee,
                confirmed_at=start - timedelta(days=3),
                held_at=start + timedelta(minutes=30),
            )
            shared_notes_save(
                meeting=held,
                author=mentee,
                text="We talked through my goal and what to try first.\n- Start with the smallest version.",
            )
            action_item_add(
                mentorship=mentorship,
                actor=mentee,
                owner=mentee,
                text="Draft a one-page plan and send it before the next meeting",
                due_on=timezone.localdate() + timedelta(days=1 if number == 0 else 5 + number),
                meeting=held,
            )
            advice = advice_add(
                mentorship=mentorship,
                actor=mentor,
                text="Ask for feedback early, before the work feels finished.",
                meeting=held,
            )
            if number % 2 == 0:
                advice_report_back(
                    advice=advice,
                    actor=mentee,
                    outcome="acted",
                    result="I shared a rough draft on day two and saved a week of rework.",
                )
                appreciation_send(
                    mentorship=mentorship,
                    author=mentee,
                    kind="win",
                    text="The early-feedback advice worked: my draft got approved.",
                    advice=advice,
                )
            else:
                appreciation_send(
                    mentorship=mentorship,
                    author=mentee,
                    kind="thanks",
                    text="Thank you for your time and patience!",
                )
            feedback_leave(
                meeting=held, author=mentor, helped="Clear questions sent in advance.", change=""
            )
            # An upcoming meeting in the first free slot, confirmed, with an agenda.
            slots = slots_for(mentorship=mentorship, minutes=30, now=now)
            if not slots:
                continue
            upcoming = meeting_propose(
                mentorship=mentorship,
                actor=mentee,
                starts_at=slots[min(number, len(slots) - 1)],
                minutes=30,
            )
            meeting_confirm(meeting=upcoming, actor=mentor)
            agenda_item_add(
                meeting=upcoming,
                author=mentee,
                text="How did you prepare for your first leadership role?",
            )
            agenda_item_add(meeting=upcoming, author=mentee, text="Can we review my one-page plan?")

    def _seed_requests(self, program: Program, mentors: list[User], mentees: list[User]) -> None:
        """Requests in every state, so inboxes and mentorship pages have content."""
        if MentorshipRequest.objects.filter(program=program).exists():
            return
        people = {
            (p.user_id, p.role): p
            for p in Participant.objects.filter(program=program).select_related("user", "program")
        }

        def ask(mentee_no: int, mentor_no: int, role: str = "") -> MentorshipRequest:
            mentee = people[(mentees[mentee_no - 1].pk, Role.MENTEE)]
            goal = (
                Goal.objects.filter(owner=mentee, status=Goal.Status.ACTIVE)
                .order_by("position")
                .first()
            )
            assert goal is not None
            return request_create(
                mentee=mentee,
                mentor=people[(mentors[mentor_no - 1].pk, Role.MENTOR)],
                goals=[goal],
                topic=goal.topics.order_by("name").first(),
                why_this_mentor="Your profile says you have done exactly what I am trying to do, and you offer coaching.",
                advisor_role=role,
            )

        ask(1, 6, AdvisorRole.TECHNICAL)  # mentee1's open ask for a second seat on the board
        ask(18, 1)  # waits in mentor1's inbox
        question = ask(16, 16)
        request_ask_info(
            request=question, actor=mentors[15], question="What have you tried so far?"
        )
        ask(17, 17)
        request_decline(
            request=ask(19, 1),
            actor=mentors[0],
            reason=MentorshipRequest.DeclineReason.NOT_MY_AREA,
            note="Mentor 3 knows this far better than I do.",
        )
        request_redirect(
            request=ask(20, 2), actor=mentors[1], suggested=people[(mentors[2].pk, Role.MENTOR)]
        )
        request_accept(request=ask(21, 5), actor=mentors[4])

    def _seed_profiles_and_goals(
        self, program: Program, admin: User, mentors: list[User], mentees: list[User]
    ) -> None:
        """Topics, mentor profiles with windows, mentee profiles, a few mentorships and goals."""
        rng = random.Random(2026)  # noqa: S311 (demo data, not security)
        existing = {t.name for t in Topic.objects.filter(organization=program.organization)}
        for name in TOPICS:
            if name not in existing:
                topic_create(organization=program.organization, actor=admin, name=name)
        topics = list(Topic.objects.filter(organization=program.organization).order_by("name"))
        participants = {
            (p.user_id, p.role): p
            for p in Participant.objects.filter(program=program).select_related("program")
        }
        help_kinds, formats = list(HelpKind.values), list(MeetingFormat.values)
        for number, user in enumerate(mentors):
            participant = participants[(user.pk, Role.MENTOR)]
            if MentorProfile.objects.filter(participant=participant).exists():
                continue
            name, zone, department, title = MENTORS[number]
            offered = rng.sample(topics, 4)
            mentor_profile_update(
                participant=participant,
                topics=offered,
                cannot_help_topics=[rng.choice([t for t in topics if t not in offered])],
                headline=f"{title} · happy to help with {department.lower()} questions",
                bio=f"{name.split()[0]} has worked in {department.lower()} for years and enjoys helping people find their next step.",
                seniority=rng.choice([Seniority.SENIOR, Seniority.LEAD, Seniority.EXECUTIVE]),
                years_experience=rng.randint(6, 25),
                help_offered=rng.sample(help_kinds, rng.randint(1, 3)),
                advisor_roles=rng.sample(list(AdvisorRole.values)[:4], 2),
                cannot_help_with="Visa and immigration questions." if number % 4 == 0 else "",
                capacity=[2, 2, 3, 1, 2][number % 5],
                accepting_requests=number % 7 != 6,
                formats=rng.sample(formats, rng.randint(2, 4)),
                preferred_frequency=rng.choice(
                    [Frequency.BIWEEKLY, Frequency.MONTHLY, Frequency.MONTHLY]
                ),
                communication=rng.choice(MentorProfile.Communication.values),
            )
            start = [8, 9, 10, 13, 15][number % 5]
            windows = [
                Window(day, time(start, 0), time(start + 2, 0)) for day in rng.sample(range(5), 2)
            ]
            windows.append(Window(rng.randrange(5), time(start + 3, 30), time(start + 4, 30)))
            availability_set(
                participant=participant,
                time_zone=zone,
                minimum_notice_hours=[24, 24, 48, 12][number % 4],
                cancellation_notice_hours=24,
                windows=_merge_same_day(windows),
            )
        for number, user in enumerate(mentees):
            participant = participants[(user.pk, Role.MENTEE)]
            if Goal.objects.filter(owner=participant).exists():
                continue
            mentee_profile_update(
                participant=participant,
                help_wanted=rng.sample(help_kinds, rng.randint(1, 2)),
                formats=rng.sample(formats, 2),
                hours_per_month=rng.choice([2, 3, 4, 6]),
                note_to_mentors="I prepare an agenda before every meeting."
                if number % 3 == 0
                else "",
            )
            # The first 15 mentees already work with a mentor, so sharing has someone to share with.
            mentor_participant = participants[(mentors[number % len(mentors)].pk, Role.MENTOR)]
            if number < 15 and not Mentorship.objects.filter(mentee=participant).exists():
                mentorship_start(
                    mentor=mentor_participant, mentee=participant, advisor_role=AdvisorRole.CAREER
                )
            for index in range(1 + number % 3):
                title, why, horizon, steps = GOAL_IDEAS[(number + index) % len(GOAL_IDEAS)]
                goal = goal_create(
                    owner=participant,
                    title=title,
                    why=why,
                    horizon=horizon,
                    timeframe="this quarter" if horizon == "short" else "next three years",
                    topics=rng.sample(topics, 2),
                )
                for step_number, step in enumerate(steps):
                    done = goal_step_add(goal=goal, title=step)
                    if step_number == 0 and index == 0:
                        goal_step_toggle(step=done)
                if index == 0:
                    goal_progress_add(
                        goal=goal, author=user, note="Got started: first step done.", progress=20
                    )
                if number < 15 and index == 0:
                    goal_share_with_mentors(
                        goal=goal, owner=user, mentor_ids=[mentor_participant.user_id]
                    )


def _merge_same_day(windows: list[Window]) -> list[Window]:
    """Drop a demo window that would overlap another on the same day."""
    kept: list[Window] = []
    for window in windows:
        if all(
            k.weekday != window.weekday or window.end <= k.start or window.start >= k.end
            for k in kept
        ):
            kept.append(window)
    return kept

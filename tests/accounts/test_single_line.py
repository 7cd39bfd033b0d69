"""Names and other one-line fields hold one line: no control characters, no line separators.

A name with a line break was saved, and every reminder email to that person's partner then
failed on its subject; one person could silence their partner's reminders. The rule is
``mentorship.validators.validate_single_line`` on every one-line field people type into, and
each app's data migration put the rows stored before on one line.
"""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.urls import reverse

from accounts.forms import SignupForm
from accounts.models import User
from goals.forms import GoalForm, StepForm
from goals.models import Goal
from goals.services import GUIDED_PROMPTS, goals_from_guided_start
from matching.forms import RequestForm, RoundCreateForm
from matching.models import MentorProfile
from meetings.forms import ActionItemForm, AgendaForm, PlaceForm
from meetings.models import ActionItem, Agreement
from mentorship.validators import SINGLE_LINE_MESSAGE, single_line, validate_single_line
from programs.forms import AnnouncementForm, InvitationForm, ProgramForm, TopicForm
from programs.models import Program, Role, Topic
from programs.services import invitation_create
from tests.accounts.factories import UserFactory
from tests.goals.factories import GoalFactory
from tests.matching.factories import MentorProfileFactory, MentorshipFactory
from tests.programs.factories import (
    OrganizationFactory,
    ParticipantFactory,
    ProgramFactory,
    TopicFactory,
)

PASSWORD = "a long Twoway passphrase 42"  # noqa: S105 (test data)

# The one-line fields people type into: each refuses control characters.
ONE_LINE = {
    "accounts.User": {"full_name", "department", "job_title"},
    "programs.Organization": {"name"},
    "programs.Program": {"name"},
    "programs.Invitation": {"full_name"},
    "programs.Announcement": {"title"},
    "programs.Topic": {"name"},
    "goals.Goal": {"title", "timeframe"},
    "goals.GoalStep": {"title"},
    "matching.MentorProfile": {"headline"},
    "matching.MentorshipRequest": {"first_step"},
    "matching.MatchingRound": {"name"},
    "meetings.Agreement": {"channel", "between_meetings"},
    "meetings.AgendaItem": {"text"},
    "meetings.Meeting": {"place"},
    "meetings.CalendarConnection": {"username", "calendar_name"},
    "meetings.ActionItem": {"text"},
    "identity.ScimToken": {"name"},
    "identity.GroupMapping": {"group_name"},
    "identity.SsoProvider": {"name"},
    "api.AccessToken": {"name"},
    "notifications.Webhook": {"description"},
}
# Free-text columns nobody types into: the app writes them (keys, tokens, states, its own
# words), has its own rule (time zones), or a person's text reaches them through the fields
# above. Notification and Delivery titles are built from names; email subjects are made one
# line by notifications.services.email_subject, whatever they hold.
NOT_TYPED = {
    "accounts.User": {"password", "time_zone"},
    "notifications.Notification": {"title", "link", "resolved_by"},
    "notifications.Delivery": {
        "subject_key",
        "period_key",
        "title",
        "link",
        "channels",
        "response_body",  # a webhook receiver's answer, shown as code
    },
    # The owner is an app's key; the reason is Twoway's words; the token's prefix its own.
    "notifications.Webhook": {"owner_key", "disabled_reason", "url"},  # the URL: a form checks it
    "api.AccessToken": {"key_hash", "prefix"},
    "programs.Organization": {"slug"},
    "programs.Program": {"slug"},
    "programs.Invitation": {"nonce"},
    "programs.AuditEntry": {"action", "subject"},
    "matching.StateChange": {"from_status", "to_status"},
    "matching.Proposal": {"unmatched_reason", "publish_note"},
    "matching.Availability": {"time_zone"},
    "meetings.CalendarFeed": {"secret"},
    "meetings.CheckIn": {"period_key"},
    # Written from a mail's headers by notifications.inbound, for the log.
    "notifications.InboundMail": {"message_id", "sender", "outcome"},
    # A file's name made printable and given its kind's extension (conversations.files).
    "conversations.Attachment": {"name", "content_type"},
    # A token's digest and hint are the app's; the identity provider's ids and names are kept
    # as it sent them (it reads them back), and only shown in the organization admins' page.
    "identity.ScimToken": {"digest", "hint"},
    "identity.ScimUser": {"user_name", "external_id"},
    "identity.ScimGroup": {"display_name", "external_id"},
    "identity.GroupMapping": {"role"},
    "identity.Departure": {"via"},
    # Pasted from the identity provider's console and handed to allauth, never shown as a
    # name: the domains are split and checked by identity.services.sso_provider_save.
    "identity.SsoProvider": {
        "kind",
        "client_id",
        "secret_encrypted",
        "server_url",
        "saml_entity_id",
        "saml_sso_url",
        "saml_certificate",
        "domains",
        "department_claim",
        "job_title_claim",
        "time_zone_claim",
        "groups_claim",
    },
    # A calendar's addresses are URLs (checked by the form and the server), its sync token the
    # server's own, and the failure is Twoway's own words.
    "meetings.CalendarConnection": {"server_url", "calendar_url", "sync_error", "sync_token"},
    "meetings.CalendarEntry": {"href"},
    # The dashboard's kept figures: a key, a zone and a language the app read off the request.
    "reports.KeptFigures": {"variant", "time_zone", "language"},
}
PROJECT_APPS = {
    "accounts",
    "notifications",
    "programs",
    "goals",
    "matching",
    "meetings",
    "conversations",
    "identity",
    "reports",
}


def test_every_one_line_field_people_type_into_refuses_control_characters():
    """A new free-text CharField fails here until it is put in ONE_LINE or NOT_TYPED."""
    undecided, unguarded = [], []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.CharField) or field.choices:
                continue
            if isinstance(field, models.EmailField):
                continue  # validate_email_address
            label, name = model._meta.label, field.name
            guarded = validate_single_line in field.validators
            if name in ONE_LINE.get(label, set()):
                if not guarded:
                    unguarded.append(f"{label}.{name}")
            elif name not in NOT_TYPED.get(label, set()):
                undecided.append(f"{label}.{name}")
    assert unguarded == []
    assert undecided == []


@pytest.mark.parametrize(
    ("form_class", "name"),
    [
        # Plain forms whose services save without full_clean: the form field carries the rule.
        (SignupForm, "full_name"),
        (InvitationForm, "full_name"),
        (TopicForm, "name"),
        (AnnouncementForm, "title"),
        (RequestForm, "first_step"),
        (RoundCreateForm, "name"),
        (AgendaForm, "text"),
        (ActionItemForm, "text"),
        (PlaceForm, "place"),
    ],
)
def test_plain_form_fields_refuse_a_line_break(form_class, name):
    field = form_class.base_fields[name]
    with pytest.raises(ValidationError, match=SINGLE_LINE_MESSAGE):
        field.clean("First line\nBcc: x@example.com")
    assert field.clean("One line") == "One line"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("form_class", "name", "extra"),
    [
        (GoalForm, "title", {"horizon": "short", "status": "active"}),
        (StepForm, "title", {}),
        (ProgramForm, "name", None),
    ],
)
def test_model_forms_refuse_a_line_break_next_to_the_field(form_class, name, extra):
    program = ProgramFactory()
    if extra is None:  # the program's own settings form: every field as it is now
        form = form_class(instance=program)
        data = {key: form[key].value() for key in form.fields}
        data = {key: value for key, value in data.items() if value is not None}
        form = form_class({**data, name: "Spring\r\ncohort"}, instance=Program.objects.get())
    else:
        kwargs = {"program": program} if form_class is GoalForm else {}
        form = form_class({name: "Learn\nSQL", **extra}, **kwargs)
    assert not form.is_valid()
    assert form.errors[name] == [SINGLE_LINE_MESSAGE]


@pytest.mark.parametrize(
    "value",
    ["Ann\nLee", "Ann\r\nLee", "Ann\tLee", "Ann\x0bLee", "Ann\x85Lee", "Ann\u2028Lee", "A\x7f"],
)
def test_validate_single_line_refuses_control_characters_and_line_separators(value):
    with pytest.raises(ValidationError, match=SINGLE_LINE_MESSAGE) as refused:
        validate_single_line(value)
    assert refused.value.code == "single_line"


@pytest.mark.parametrize(
    "value",
    # Format characters stay: a right-to-left mark in a name, a zero-width joiner in an emoji.
    ["Zoë Ó Briain", "Ann  Lee", "\u200fנועה", "Family 👩\u200d👩\u200d👧", ""],
)
def test_validate_single_line_accepts_one_line_of_any_script(value):
    validate_single_line(value)


@pytest.mark.parametrize(
    ("stored", "cleaned"),
    [
        ("Ann\r\nLee", "Ann Lee"),
        ("Ann \r\n\t Lee\x07", "Ann Lee"),
        ("\nAnn\u2028\u2029Lee\n", "Ann Lee"),
        ("Ann  Lee", "Ann  Lee"),
    ],
)
def test_single_line_replaces_each_run_of_control_characters_with_one_space(stored, cleaned):
    assert single_line(stored) == cleaned


@pytest.mark.django_db
def test_signup_refuses_a_name_with_a_line_break_next_to_the_field(client):
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Ann\nBcc: x@example.com",
            "email": "ann@example.org",
            "time_zone": "UTC",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"full_name": [SINGLE_LINE_MESSAGE]}
    assert not User.objects.filter(email="ann@example.org").exists()


@pytest.mark.django_db
def test_profile_refuses_a_name_with_a_line_break_next_to_the_field(client):
    user = UserFactory(full_name="Ann Lee")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Ann\r\nLee", "time_zone": "UTC", "department": "", "job_title": "A\tB"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "full_name": [SINGLE_LINE_MESSAGE],
        "job_title": [SINGLE_LINE_MESSAGE],
    }
    user.refresh_from_db()
    assert user.full_name == "Ann Lee"


@pytest.mark.django_db
def test_the_admin_and_full_clean_refuse_a_name_with_a_line_break():
    user = User(email="z@example.org", full_name="Ann\nLee", department="Sales\x00")
    with pytest.raises(ValidationError) as refused:
        user.full_clean(exclude=["password"])
    assert refused.value.message_dict["full_name"] == [SINGLE_LINE_MESSAGE]
    assert SINGLE_LINE_MESSAGE in refused.value.message_dict["department"]


@pytest.mark.django_db
def test_the_accounts_data_migration_puts_stored_names_on_one_line():
    kept = UserFactory(full_name="Ann  Lee", job_title="Lead")
    broken = UserFactory()
    # Stored before the rule, around the forms (an old row, an import).
    User.objects.filter(pk=broken.pk).update(
        full_name="Bo \r\n Diaz\x07", department="Sales\u2028EMEA", job_title="\tLead\n"
    )
    migration = importlib.import_module("accounts.migrations.0002_single_line_names")
    migration.clean(apps, SimpleNamespace(connection=connection))
    broken.refresh_from_db()
    kept.refresh_from_db()
    assert (broken.full_name, broken.department, broken.job_title) == (
        "Bo Diaz",
        "Sales EMEA",
        "Lead",
    )
    assert (kept.full_name, kept.job_title) == ("Ann  Lee", "Lead")


def _migration(app: str, name: str):
    return importlib.import_module(f"{app}.migrations.{name}")


@pytest.mark.django_db
def test_the_other_data_migrations_put_stored_one_line_fields_on_one_line():
    program = ProgramFactory()
    goal = GoalFactory(title="Learn SQL")
    profile = MentorProfileFactory()
    mentorship = MentorshipFactory()
    item = ActionItem.objects.create(mentorship=mentorship, owner=mentorship.mentee.user, text="x")
    agreement = Agreement.objects.create(mentorship=mentorship, version=1, channel="Zoom")
    Program.objects.filter(pk=program.pk).update(name="Spring\r\ncohort")
    Goal.objects.filter(pk=goal.pk).update(title="Learn\nSQL", timeframe="\tby summer")
    MentorProfile.objects.filter(pk=profile.pk).update(headline="Staff engineer\u2028Berlin")
    ActionItem.objects.filter(pk=item.pk).update(text="Send the deck\r\nBcc: x@example.com")
    Agreement.objects.filter(pk=agreement.pk).update(channel="Zoom\n", between_meetings="chat\x0b")
    editor = SimpleNamespace(connection=connection)
    for app, name in [
        ("programs", "0006_single_line_fields"),
        ("goals", "0003_single_line_fields"),
        ("matching", "0008_single_line_fields"),
        ("meetings", "0004_single_line_fields"),
    ]:
        _migration(app, name).clean(apps, editor)
    program.refresh_from_db()
    goal.refresh_from_db()
    profile.refresh_from_db()
    item.refresh_from_db()
    agreement.refresh_from_db()
    assert program.name == "Spring cohort"
    assert (goal.title, goal.timeframe) == ("Learn SQL", "by summer")
    assert profile.headline == "Staff engineer Berlin"
    assert item.text == "Send the deck Bcc: x@example.com"
    assert (agreement.channel, agreement.between_meetings) == ("Zoom", "chat")


@pytest.mark.django_db
def test_a_cleaned_topic_name_that_another_topic_has_keeps_its_own_by_its_id():
    organization = OrganizationFactory()
    TopicFactory(organization=organization, name="Data science")
    broken = TopicFactory(organization=organization, name="x")
    Topic.objects.filter(pk=broken.pk).update(name="Data\nscience")
    _migration("programs", "0006_single_line_fields").clean(
        apps, SimpleNamespace(connection=connection)
    )
    broken.refresh_from_db()
    assert broken.name == f"Data science (#{broken.pk})"


@pytest.mark.django_db
def test_services_that_take_text_from_files_and_long_answers_store_one_line():
    # A CSV cell may hold a quoted line break; a guided-start answer is a text area.
    program = ProgramFactory()
    invitation = invitation_create(
        program=program,
        invited_by=UserFactory(),
        email="ann@example.org",
        role=Role.MENTEE,
        full_name="Ann\r\nLee\x07",
    )
    assert invitation.full_name == "Ann Lee"
    owner = ParticipantFactory(program=program, role=Role.MENTEE)
    (goal,) = goals_from_guided_start(owner=owner, answers={GUIDED_PROMPTS[0][0]: "Learn\x07SQL"})
    assert goal.title == "Learn SQL"

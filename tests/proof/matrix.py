"""The authorization matrix's table: for every URL key, the outcome of a GET and of a POST by
each role (``ROLES``, in the order of the cells). ``test_authorization_matrix.py`` explains the
roles and outcomes and requests every cell; ``test_query_budget.py`` reads which pages a role
may see."""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("anon", "owner", "party", "mentee2", "mentor2", "admin", "other_admin", "far_admin")

# Outcomes. GET: the status, with a redirect to the login page told apart from other redirects.
# POST: the same, except that a 2xx/3xx answer is DONE when the database changed and KEPT
# (redirect) or OK (200) when it did not; any other answer must leave the database as it was.
OK = "200"
MOVED = "302"
UNAUTHENTICATED = "401"  # a credential other than a session is needed (SCIM's bearer token)
LOGIN = "login"
DENIED = "403"
HIDDEN = "404"
NO_METHOD = "405"
EXPIRED = "410"
BAD_REQUEST = "400"
NO_CONTENT = "204"  # a success with nothing to say (a POST that wrote is DONE all the same)
CREATED = "201"  # the API's answer to a POST that made something (DONE when it wrote)
DONE = "done"
KEPT = "kept"


@dataclass(frozen=True)
class Bug:
    """The correct outcome, which the application does not give yet."""

    expected: str
    reason: str


def bug(expected: str, reason: str) -> Bug:
    return Bug(expected, f"BUG: {reason}")


Cells = tuple[str | Bug, ...]


# ---------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------

_ = HIDDEN  # short for the rows below: "not found" for whoever may not know it exists

# Row shapes, one cell per role: anon, owner, party, mentee2, mentor2, admin, other_admin,
# far_admin. other_admin is of the same organization and may see alpha's own page (its
# enrollment is open), so alpha's admin pages answer them 403 where far_admin gets 404.
ANYONE: Cells = (OK, OK, OK, OK, OK, OK, OK, OK)
NOBODY: Cells = (_, _, _, _, _, _, _, _)
NO_METHOD_ALL: Cells = (NO_METHOD,) * 8
POST_ONLY: Cells = (LOGIN, *(NO_METHOD,) * 7)  # a GET of a POST-only address
GUEST_PAGE: Cells = (OK, *(MOVED,) * 7)  # login, sign-up: the signed-in are sent home
GUEST_FORM: Cells = (OK, *(KEPT,) * 7)
SIGNED_IN: Cells = (LOGIN, *(OK,) * 7)  # each person's own page
SIGNED_IN_DOES: Cells = (LOGIN, *(DONE,) * 7)
SIGNED_IN_KEPT: Cells = (LOGIN, *(KEPT,) * 7)
SIGNED_IN_MOVED: Cells = (LOGIN, *(MOVED,) * 7)
SIGNED_IN_HIDDEN: Cells = (LOGIN, *(_,) * 7)
PAIR_PAGE: Cells = (LOGIN, OK, OK, _, _, _, _, _)  # the two people only, admins included
PAIR_DOES: Cells = (LOGIN, DONE, DONE, _, _, _, _, _)
PAIR_KEPT: Cells = (LOGIN, KEPT, KEPT, _, _, _, _, _)  # both may, the state refuses
OWNER_PAGE: Cells = (LOGIN, OK, _, _, _, _, _, _)
OWNER_ONLY_DOES: Cells = (LOGIN, DONE, _, _, _, _, _, _)
OWNER_EDITS: Cells = (LOGIN, OK, DENIED, _, _, _, _, _)  # the party reads, only the owner writes
OWNER_DOES: Cells = (LOGIN, DONE, DENIED, _, _, _, _, _)
PARTY_DOES: Cells = (LOGIN, DENIED, DONE, _, _, _, _, _)  # the asked mentor answers
PARTY_PAGE: Cells = (LOGIN, DENIED, OK, _, _, _, _, _)  # a circle's mentor; its members 403
MENTEE_PAGE: Cells = (LOGIN, OK, _, OK, _, _, _, _)  # each mentee's own
MENTEE_DOES: Cells = (LOGIN, DONE, _, DONE, _, _, _, _)
MENTEES_PAGE: Cells = (LOGIN, OK, DENIED, OK, DENIED, DENIED, DENIED, _)  # the program's mentees
PEOPLE_PAGE: Cells = (LOGIN, OK, OK, OK, OK, OK, _, _)  # the program's people
ADMIN_PAGE: Cells = (LOGIN, DENIED, DENIED, DENIED, DENIED, OK, DENIED, _)
ADMIN_DOES: Cells = (LOGIN, DENIED, DENIED, DENIED, DENIED, DONE, DENIED, _)
ADMIN_OTHER_ID: Cells = (LOGIN, DENIED, DENIED, DENIED, DENIED, _, DENIED, _)
# An organization's pages: its organization admins only (other_admin for alpha's); anyone
# else, alpha's program admin and another organization's admin included, gets 404.
ORG_PAGE: Cells = (LOGIN, _, _, _, _, _, OK, _)
ORG_DOES: Cells = (LOGIN, _, _, _, _, _, DONE, _)
ORG_KEPT: Cells = (LOGIN, _, _, _, _, _, KEPT, _)  # the organization admin may, the state refuses
ORG_OK: Cells = (LOGIN, _, _, _, _, _, OK, _)  # the organization admin's form, shown again
# The SCIM endpoint: its bearer token is the only credential; a session grants nothing.
NO_TOKEN: Cells = (UNAUTHENTICATED,) * 8
# A single sign-on callback without the provider's answer: allauth's error page, 401.
NO_ANSWER: Cells = (UNAUTHENTICATED,) * 8
# The API (``API_ROUTES``): each role sends its own token of every scope, and no session;
# anonymous sends none. A list answers everyone with what they may read (filtered, not
# refused); its routes are read-only, so a POST with a token is 405.
API_LIST: Cells = (UNAUTHENTICATED, *(OK,) * 7)
API_READ_ONLY: Cells = (UNAUTHENTICATED, *(NO_METHOD,) * 7)
API_PAIR: Cells = (UNAUTHENTICATED, OK, OK, _, _, _, _, _)  # meetings, goals: no admin
API_PAIR_AND_ADMIN: Cells = (UNAUTHENTICATED, OK, OK, _, _, OK, _, _)
API_ADMIN: Cells = (UNAUTHENTICATED, _, _, _, _, OK, _, _)  # what the program's admins read

# GET and POST per URL key.
TABLE: dict[str, tuple[Cells, Cells]] = {
    # The API's resources, with tokens (see API_LIST); the other API routes, with sessions.
    "api:program-list": (API_LIST, API_READ_ONLY),
    "api:program-detail": ((UNAUTHENTICATED, OK, OK, OK, OK, OK, OK, _), API_READ_ONLY),
    "api:participant-list": (API_LIST, API_READ_ONLY),
    "api:participant-detail": ((UNAUTHENTICATED, OK, _, _, _, OK, _, _), API_READ_ONLY),
    "api:mentorship-list": (API_LIST, API_READ_ONLY),
    "api:mentorship-detail": (API_PAIR_AND_ADMIN, API_READ_ONLY),
    "api:request-list": (API_LIST, API_READ_ONLY),
    "api:request-detail": (API_PAIR_AND_ADMIN, API_READ_ONLY),  # the asked mentor's
    "api:meeting-list": (API_LIST, API_READ_ONLY),
    "api:meeting-detail": (API_PAIR, API_READ_ONLY),
    "api:goal-list": (API_LIST, API_READ_ONLY),
    "api:goal-detail": (API_PAIR, API_READ_ONLY),  # shared with the mentor
    "api:audit-list": (API_LIST, API_READ_ONLY),
    "api:audit-detail": (API_ADMIN, API_READ_ONLY),  # an entry of alpha's own log
    "api:checkin-figures-detail": (API_ADMIN, API_READ_ONLY),  # alpha's figures
    "api:goal-figures-detail": (API_ADMIN, API_READ_ONLY),
    # POST: an invitation to alpha by JSON; only its admin runs it (for the others, no such
    # program of theirs: 404).
    "api:invitation-list": (API_LIST, (UNAUTHENTICATED, _, _, _, _, DONE, _, _)),
    "api:invitation-detail": (API_ADMIN, API_READ_ONLY),
    "api:invitation-resend": (API_READ_ONLY, (UNAUTHENTICATED, _, _, _, _, DONE, _, _)),
    "api:invitation-revoke": (API_READ_ONLY, (UNAUTHENTICATED, _, _, _, _, DONE, _, _)),
    "api:schema": (ANYONE, NO_METHOD_ALL),
    "api:docs": (ANYONE, NO_METHOD_ALL),
    "api:not_found": (NOBODY, NOBODY),
    # One's own tokens: anyone signed in makes theirs; only the owner revokes the owner's.
    "api:tokens": (SIGNED_IN, SIGNED_IN_DOES),
    "api:token_revoke": (POST_ONLY, OWNER_ONLY_DOES),
    # An organization's webhooks: its organization admins only (alpha's: other_admin).
    "api:webhooks": (ORG_PAGE, ORG_DOES),
    "api:webhook": (ORG_PAGE, (LOGIN, *(NO_METHOD,) * 7)),
    "api:webhook_rotate": (POST_ONLY, ORG_DOES),
    "api:webhook_enable": (POST_ONLY, ORG_DOES),
    "api:webhook_delete": (POST_ONLY, ORG_DOES),
    "api:delivery_replay": (POST_ONLY, ORG_DOES),
    # An organization's integrations: its organization admins add and revoke them; the token
    # endpoint answers an integration's client credentials, and nobody else (a session is nothing).
    "api:integrations": (ORG_PAGE, ORG_DOES),
    "api:integration_revoke": (POST_ONLY, ORG_DOES),
    "api:oauth_token": (NO_METHOD_ALL, NO_TOKEN),
    # allauth: every signed-in person acts on their own account only.
    "account_change_password": (SIGNED_IN, SIGNED_IN),
    "account_confirm_email": (ANYONE, NOBODY),  # an unknown key: the "invalid link" page
    "account_confirm_login_code": (SIGNED_IN_MOVED, SIGNED_IN_KEPT),
    "account_email": (SIGNED_IN, SIGNED_IN_KEPT),
    "account_email_verification_sent": (ANYONE, NO_METHOD_ALL),
    "account_inactive": (ANYONE, NO_METHOD_ALL),
    "account_login": (GUEST_PAGE, GUEST_FORM),
    "account_logout": ((MOVED, OK, OK, OK, OK, OK, OK, OK), (KEPT,) * 8),
    "account_reauthenticate": (SIGNED_IN, SIGNED_IN),
    # allauth 65.22: re-authenticating by a code sent to one's own verified address.
    "account_request_reauthentication_code": (SIGNED_IN, SIGNED_IN),
    "account_confirm_reauthentication_code": (SIGNED_IN_MOVED, SIGNED_IN_KEPT),  # no code asked
    "account_reset_password": (ANYONE, ANYONE),  # the same answer for any address
    "account_reset_password_done": (ANYONE, NO_METHOD_ALL),
    "account_reset_password_from_key": (ANYONE, ANYONE),  # an unknown key: "bad token"
    "account_reset_password_from_key_done": (ANYONE, NO_METHOD_ALL),
    "account_set_password": (SIGNED_IN_MOVED, SIGNED_IN_KEPT),
    "account_signup": (GUEST_PAGE, GUEST_FORM),
    "mfa_activate_totp": (SIGNED_IN_MOVED, SIGNED_IN_KEPT),  # asks to reauthenticate first
    "mfa_authenticate": (SIGNED_IN_MOVED, SIGNED_IN_KEPT),
    "mfa_deactivate_totp": (SIGNED_IN_HIDDEN, SIGNED_IN_HIDDEN),  # nobody has TOTP on
    "mfa_download_recovery_codes": (SIGNED_IN_HIDDEN, SIGNED_IN_HIDDEN),
    "mfa_generate_recovery_codes": (SIGNED_IN_MOVED, SIGNED_IN_KEPT),
    "mfa_index": (SIGNED_IN, (LOGIN, *(NO_METHOD,) * 7)),
    "mfa_reauthenticate": (SIGNED_IN_MOVED, SIGNED_IN_KEPT),
    "mfa_view_recovery_codes": (SIGNED_IN_HIDDEN, (LOGIN, *(NO_METHOD,) * 7)),
    # Pages of everyone's own.
    "landing": (GUEST_PAGE, GUEST_FORM),
    "home": (SIGNED_IN, SIGNED_IN),
    "healthz": (ANYONE, NO_METHOD_ALL),
    "favicon": ((MOVED,) * 8, NO_METHOD_ALL),  # to the static icon, for anyone
    "accounts:profile": (SIGNED_IN, SIGNED_IN_DOES),
    # Each person's own photo ("remove": the owner has one, the others have none to remove).
    "accounts:photo": (POST_ONLY, (LOGIN, DONE, *(KEPT,) * 6)),
    "programs:person_photo": (PEOPLE_PAGE, POST_ONLY),  # alpha's owner's face, to alpha's people
    "accounts:mfa_required": (SIGNED_IN, (LOGIN, *(NO_METHOD,) * 7)),
    "settings/notifications/": (SIGNED_IN_MOVED, SIGNED_IN_KEPT),
    "notifications:list": (SIGNED_IN, SIGNED_IN),
    "notifications:read": (POST_ONLY, OWNER_ONLY_DOES),
    "notifications:read_all": (POST_ONLY, SIGNED_IN_DOES),
    "notifications:preferences": (SIGNED_IN, SIGNED_IN),  # the CSRF-only POST is invalid
    # The signed token is the credential (one-click unsubscribe, RFC 8058).
    "notifications:unsubscribe": (ANYONE, (DONE,) * 8),
    "notifications:unsubscribe[forged]": (NOBODY, NOBODY),
    # A mail provider's webhook: no session, no CSRF, POST only; its credential is the shared
    # secret as a Bearer token (tests/conversations/test_replies_by_email.py), which nobody
    # here sends (and which is unset by default): 403 for everyone, nothing written.
    "notifications:inbound_email": (NO_METHOD_ALL, (DENIED,) * 8),
    "matching:requests": (SIGNED_IN, SIGNED_IN),
    "matching:mentorships": (SIGNED_IN, SIGNED_IN),
    "meetings:meetings": (SIGNED_IN, SIGNED_IN),
    "meetings:checkins": (SIGNED_IN, SIGNED_IN),
    "meetings:calendar": (SIGNED_IN, SIGNED_IN),
    # One's own calendar over CalDAV: alpha's owner has one connected (at an address where
    # nothing answers, so reading it records the failure); nobody acts on another's.
    "meetings:calendar_connect": (POST_ONLY, (LOGIN, *(OK,) * 7)),  # unreachable: the form again
    "meetings:calendar_sync": (POST_ONLY, (LOGIN, DONE, *(_,) * 6)),
    "meetings:calendar_disconnect": (POST_ONLY, (LOGIN, DONE, *(KEPT,) * 6)),
    "meetings:calendar_regenerate": (POST_ONLY, SIGNED_IN_DOES),
    # The secret in the address is the only credential (calendar apps cannot log in).
    "meetings:calendar_feed": (ANYONE, ANYONE),
    "meetings:calendar_feed[revoked]": (NOBODY, NOBODY),
    "meetings:calendar_feed[guessed]": (NOBODY, NOBODY),
    "goals:list": (SIGNED_IN, SIGNED_IN),
    "programs:list": (SIGNED_IN, SIGNED_IN),
    # Programs: the page of a program whose enrollment is open is seen by its organization.
    "programs:detail": ((LOGIN, OK, OK, OK, OK, OK, OK, _), (LOGIN, OK, OK, OK, OK, OK, OK, _)),
    "programs:apply": (POST_ONLY, (LOGIN, DONE, KEPT, DONE, KEPT, DONE, DONE, _)),
    # Any admin may start a program, in an organization where they run one.
    "programs:create": (
        (LOGIN, DENIED, DENIED, DENIED, DENIED, OK, OK, OK),
        (LOGIN, DENIED, DENIED, DENIED, DENIED, DONE, DONE, OK),
    ),
    # An invitation link is the credential: anybody holding it sees it; only its address
    # can accept it (the others' POST is refused on the page).
    "programs:invitation": ((MOVED, OK, OK, OK, OK, OK, OK, OK), (KEPT, *(OK,) * 7)),
    "programs:invitation[revoked]": (NOBODY, NOBODY),
    "programs:invitation[forged]": (NOBODY, NOBODY),
    "programs:manage": (ADMIN_PAGE, ADMIN_PAGE),
    "programs:settings": (ADMIN_PAGE, ADMIN_DOES),
    "programs:invite": (ADMIN_PAGE, ADMIN_DOES),
    "programs:import": (ADMIN_PAGE, ADMIN_DOES),
    "programs:audit": (ADMIN_PAGE, ADMIN_PAGE),
    # The organization's topics: read here; only its organization admins change them, on
    # the organization's page (refused here even to an organization admin who runs it).
    "programs:topics": (ADMIN_PAGE, (LOGIN, *(DENIED,) * 6, _)),
    "programs:topics[rename]": (ADMIN_PAGE, (LOGIN, *(DENIED,) * 6, _)),
    "organizations:detail": (ORG_PAGE, ORG_PAGE),
    "organizations:audit": (ORG_PAGE, ORG_PAGE),
    "organizations:topics": (ORG_PAGE, ORG_DOES),
    "organizations:topics[rename]": (ORG_PAGE, ORG_DOES),
    "organizations:topics[gamma id]": (ORG_PAGE, (LOGIN, *(_,) * 7)),
    # The organization's identity page (identity/): its organization admins only, as its other
    # pages; each action of its forms a row (make a token, map a group, revoke the token, remove
    # the mapping, record that alpha's owner left, that alpha's leaver is back). Another
    # organization's token or person under alpha's organization: 404 even to its admin.
    "identity:page": (ORG_PAGE, ORG_DOES),  # POST: a SCIM token
    "identity:page[mapping]": (ORG_PAGE, ORG_DOES),
    "identity:page[revoke]": (ORG_PAGE, ORG_DOES),
    "identity:page[unmap]": (ORG_PAGE, ORG_DOES),
    "identity:page[leave]": (ORG_PAGE, ORG_DOES),
    "identity:page[return]": (ORG_PAGE, ORG_DOES),
    "identity:page[leave self]": (ORG_PAGE, ORG_KEPT),  # one's own leaving: refused
    "identity:page[revoked]": (ORG_PAGE, ORG_KEPT),  # the revoked token: revoked already
    "identity:page[gamma program]": (ORG_PAGE, ORG_OK),  # the form refuses gamma's program
    "identity:page[gamma id]": (ORG_PAGE, (LOGIN, *(_,) * 7)),  # gamma's token
    "identity:page[gamma mapping]": (ORG_PAGE, (LOGIN, *(_,) * 7)),
    "identity:page[gamma person]": (ORG_PAGE, (LOGIN, *(_,) * 7)),  # gamma's owner leaves
    "identity:page[search]": (ORG_PAGE, (LOGIN, *(_,) * 7)),  # POST: no action, 404
    "identity:page[sso]": (ORG_PAGE, ORG_DOES),  # the organization's single sign-on, renamed
    "identity:page[sso taken]": (ORG_PAGE, ORG_OK),  # another organization's domain: refused
    # SCIM 2.0 (RFC 7644): csrf-exempt and open to the anonymous, since a bearer token is its
    # credential, never a cookie: every role's session gets 401 and writes nothing (the POSTs
    # carry a resource that the token would create). Only the discovery document is public.
    # The library answers 405 to a method a path never takes before it asks for the token.
    "identity:scim_root": (NO_TOKEN, NO_METHOD_ALL),  # GET: every resource
    "identity:scim": (NO_TOKEN, NO_TOKEN),  # /Users: the list, a new user
    "identity:scim[Groups]": (NO_TOKEN, NO_TOKEN),
    "identity:scim[user]": (NO_TOKEN, NO_METHOD_ALL),  # /Users/<id> of alpha's organization
    "identity:scim[group]": (NO_TOKEN, NO_METHOD_ALL),
    "identity:scim[.search]": (NO_METHOD_ALL, NO_TOKEN),
    "identity:scim[Me]": (NO_TOKEN, NO_TOKEN),
    "identity:scim[ResourceTypes]": (NO_TOKEN, NO_METHOD_ALL),
    "identity:scim[Schemas]": (NO_TOKEN, NO_METHOD_ALL),
    "identity:scim[ServiceProviderConfig]": (ANYONE, NO_METHOD_ALL),
    # Single sign-on: anyone may start it; allauth answers a callback without the provider's
    # answer (no state, no SAML response) with its error page, 401, and writes nothing.
    "identity:sso_start": ((MOVED,) * 8, NO_METHOD_ALL),  # to alpha's organization's provider
    "identity:sso_start[no provider]": ((LOGIN,) * 8, NO_METHOD_ALL),  # back to the password
    # POST: off to the provider, which cannot be reached from here (op.proof.example): back to
    # the sign-in page with a message (test_sso.py follows the way to a real provider).
    "identity:oidc_login": (ANYONE, (LOGIN,) * 8),
    "openid_connect_login": (ANYONE, (LOGIN,) * 8),  # allauth's name for the same address
    "openid_connect_callback": (NO_ANSWER, NO_ANSWER),
    "identity:saml_login": (ANYONE, (KEPT,) * 8),
    "saml_login": (ANYONE, (KEPT,) * 8),
    "saml_acs": ((MOVED,) * 8, (KEPT,) * 8),  # no SAMLResponse: on to the finish, which refuses
    "saml_finish_acs": (NO_ANSWER, NO_ANSWER),
    "identity:saml_finish_acs": (NO_ANSWER, NO_ANSWER),  # the same address: ours, around it
    "saml_sls": ((BAD_REQUEST,) * 8, (BAD_REQUEST,) * 8),  # no logout request in it
    "saml_metadata": (ANYONE, ANYONE),  # the service provider's public metadata
    "saml_metadata[no provider]": (NOBODY, NOBODY),  # alpha's organization has no SAML
    "socialaccount_connections": (SIGNED_IN, SIGNED_IN),  # one's own linked accounts
    "socialaccount_login_cancelled": (ANYONE, NO_METHOD_ALL),
    # allauth renders its error page itself where a sign-in fails; this address of it is not
    # marked public by allauth (so the anonymous are sent to sign in), and says 401.
    "socialaccount_login_error": ((LOGIN, *(NO_ANSWER[0],) * 7), (LOGIN, *(NO_METHOD,) * 7)),
    "socialaccount_signup": ((LOGIN,) * 8, (LOGIN,) * 8),  # nobody's sign-up is pending
    # allauth's old addresses, redirects to the new ones (/accounts/3rdparty/...).
    "accounts/social/login/cancelled/": (SIGNED_IN_MOVED, SIGNED_IN_KEPT),
    "accounts/social/login/error/": (SIGNED_IN_MOVED, SIGNED_IN_KEPT),
    "accounts/social/signup/": (SIGNED_IN_MOVED, SIGNED_IN_KEPT),
    "accounts/social/connections/": (SIGNED_IN_MOVED, SIGNED_IN_KEPT),
    "programs:announcements": (ADMIN_PAGE, ADMIN_DOES),
    "programs:enrollment": (ADMIN_PAGE, ADMIN_DOES),
    "programs:approve": (POST_ONLY, ADMIN_DOES),
    "programs:approve[beta id]": (POST_ONLY, ADMIN_OTHER_ID),
    "programs:decline": (POST_ONLY, ADMIN_DOES),
    "programs:withdraw": (POST_ONLY, ADMIN_DOES),
    "programs:withdraw[beta id]": (POST_ONLY, ADMIN_OTHER_ID),
    "programs:revoke": (POST_ONLY, ADMIN_DOES),
    "programs:revoke[beta id]": (POST_ONLY, ADMIN_OTHER_ID),
    "programs:resend": (POST_ONLY, ADMIN_DOES),
    "meetings:program_close": (ADMIN_PAGE, ADMIN_DOES),  # GET: what closing will do
    # Goals: the owner's; a mentor reads what is shared; admins see figures, never content.
    "goals:start": (MENTEE_PAGE, MENTEE_DOES),
    "goals:create": (MENTEE_PAGE, MENTEE_DOES),
    "goals:reorder": (POST_ONLY, (LOGIN, DONE, _, KEPT, _, _, _, _)),  # others' ids: refused
    "goals:figures": (ADMIN_PAGE, ADMIN_PAGE),
    "goals:detail": (PAIR_PAGE, PAIR_PAGE),
    "goals:detail[private]": (OWNER_PAGE, OWNER_PAGE),
    "goals:edit": (OWNER_EDITS, OWNER_DOES),
    "goals:move": (POST_ONLY, OWNER_DOES),
    "goals:status": (POST_ONLY, OWNER_DOES),
    "goals:step_add": (POST_ONLY, OWNER_DOES),
    "goals:progress_add": (POST_ONLY, OWNER_DOES),
    "goals:step_toggle": (POST_ONLY, OWNER_DOES),
    "goals:step_delete": (POST_ONLY, OWNER_DOES),
    "matching:goal_sharing": (OWNER_EDITS, OWNER_DOES),
    # Requests: the mentee and the asked mentor; each side does its own part.
    "matching:request_new": (MENTEES_PAGE, (LOGIN, DONE, DENIED, OK, DENIED, DENIED, DENIED, _)),
    "matching:request_new[beta id]": (
        (LOGIN, _, DENIED, _, DENIED, DENIED, DENIED, _),
        (LOGIN, _, DENIED, _, DENIED, DENIED, DENIED, _),
    ),
    "matching:request": (PAIR_PAGE, PAIR_PAGE),
    "matching:request_accept": (POST_ONLY, PARTY_DOES),
    "matching:request_ask": (POST_ONLY, PARTY_DOES),
    "matching:request_decline": (POST_ONLY, PARTY_DOES),
    "matching:request_redirect": (POST_ONLY, PARTY_DOES),
    "matching:request_redirect[beta payload]": (POST_ONLY, (LOGIN, DENIED, KEPT, _, _, _, _, _)),
    # Waiting on the mentor: nothing to answer or follow yet.
    "matching:request_answer": (POST_ONLY, (LOGIN, KEPT, DENIED, _, _, _, _, _)),
    "matching:request_follow": (POST_ONLY, (LOGIN, KEPT, DENIED, _, _, _, _, _)),
    "matching:request_withdraw": (POST_ONLY, OWNER_DOES),
    "matching:request_report": (POST_ONLY, PAIR_DOES),
    # Mentorships: the two people; admins act through their own pages.
    "matching:mentorship": (PAIR_PAGE, PAIR_PAGE),
    "matching:mentorship_pause": (POST_ONLY, PAIR_DOES),
    "matching:mentorship_resume": (POST_ONLY, PAIR_KEPT),  # it is not paused
    "matching:mentorship_close": (POST_ONLY, PAIR_DOES),
    "matching:mentorship_reflect": (POST_ONLY, PAIR_KEPT),  # it is not closed
    "matching:mentorship_report": (POST_ONLY, PAIR_DOES),
    "matching:board": (MENTEES_PAGE, MENTEES_PAGE),
    "matching:reports": (ADMIN_PAGE, ADMIN_PAGE),
    "matching:report_action": (ADMIN_PAGE, ADMIN_DOES),
    "matching:report_action[beta id]": (ADMIN_OTHER_ID, ADMIN_OTHER_ID),
    "matching:admin_mentorships": (ADMIN_PAGE, ADMIN_PAGE),
    "matching:admin_mentorship": (ADMIN_PAGE, ADMIN_DOES),
    "matching:admin_mentorship[beta id]": (ADMIN_OTHER_ID, ADMIN_OTHER_ID),
    "matching:admin_mentorship[beta payload]": (ADMIN_PAGE, ADMIN_PAGE),  # refused in the form
    # Profiles and the directory.
    "matching:profile": (PEOPLE_PAGE, (LOGIN, DONE, DONE, DONE, DONE, DONE, _, _)),
    "matching:person": (PEOPLE_PAGE, PEOPLE_PAGE),
    "matching:person[beta id]": (SIGNED_IN_HIDDEN, SIGNED_IN_HIDDEN),
    "matching:directory": (MENTEES_PAGE, MENTEES_PAGE),
    # Working together: the two people only, admins included ("meetings carry agendas and
    # notes that belong to the pair").
    "meetings:meeting": (PAIR_PAGE, PAIR_PAGE),
    "meetings:meeting[held]": (PAIR_PAGE, PAIR_PAGE),
    "meetings:agenda_add": (POST_ONLY, PAIR_DOES),
    "meetings:meeting_place": (POST_ONLY, PAIR_DOES),  # where: a new Jitsi room each time
    "meetings:meeting_place[held]": (POST_ONLY, PAIR_KEPT),  # over: its place stays
    "meetings:agenda_delete": (POST_ONLY, (LOGIN, DONE, KEPT, _, _, _, _, _)),  # its author
    "meetings:shared_notes_save": (POST_ONLY, PAIR_DOES),
    "meetings:private_note_save": (POST_ONLY, PAIR_DOES),  # each writes their own
    "meetings:action_item_add": (POST_ONLY, PAIR_DOES),
    "meetings:action_item_add[beta payload]": (POST_ONLY, PAIR_KEPT),  # a stranger as owner
    "meetings:action_item_toggle": (POST_ONLY, PAIR_DOES),
    "meetings:feedback_add": (POST_ONLY, PAIR_DOES),
    "meetings:timeline": (PAIR_PAGE, PAIR_PAGE),
    "meetings:agreement": (PAIR_PAGE, PAIR_DOES),
    "meetings:agreement_confirm": (POST_ONLY, PAIR_KEPT),  # version 1 is confirmed already
    "meetings:advice_add": (PAIR_PAGE, PAIR_DOES),
    "meetings:advice_report": (OWNER_EDITS, OWNER_DOES),  # the mentee reports back
    "meetings:appreciation_add": (PAIR_PAGE, PAIR_DOES),
    "meetings:meeting_propose": (PAIR_PAGE, PAIR_DOES),
    "meetings:meeting_confirm": (POST_ONLY, (LOGIN, KEPT, DONE, _, _, _, _, _)),  # not its proposer
    "meetings:meeting_reschedule": (PAIR_PAGE, PAIR_DOES),
    "meetings:meeting_cancel": (POST_ONLY, PAIR_DOES),
    "meetings:meeting_held": (POST_ONLY, PAIR_KEPT),  # it has not started
    "meetings:meeting_ics": (PAIR_PAGE, PAIR_PAGE),
    # Circles (group programs): the owner is a member of the circle the party leads, in alpha's
    # group program, whose admin is alpha's admin (conftest.build_circle). The circle's mentor
    # and its members see it and its meetings; only its mentor sets its norms and schedules,
    # moves or cancels its meetings (a member: 403 on those pages, refused with a message on
    # cancelling); anyone else, the program's admin included, gets 404.
    "meetings:circle": (PAIR_PAGE, PARTY_DOES),  # POST: the norms
    "meetings:circle_meeting_new": (PARTY_PAGE, PARTY_DOES),
    "meetings:meeting[circle]": (PAIR_PAGE, PAIR_PAGE),
    "meetings:meeting[circle held]": (PAIR_PAGE, PAIR_PAGE),
    "meetings:meeting_ics[circle]": (PAIR_PAGE, PAIR_PAGE),
    "meetings:meeting_reschedule[circle]": (PARTY_PAGE, PARTY_DOES),
    "meetings:meeting_cancel[circle]": (POST_ONLY, (LOGIN, KEPT, DONE, _, _, _, _, _)),
    "meetings:meeting_confirm[circle]": (POST_ONLY, PAIR_KEPT),  # on once scheduled
    "meetings:meeting_held[circle]": (POST_ONLY, PAIR_DOES),  # anyone in it, once begun
    "meetings:agenda_add[circle]": (POST_ONLY, PAIR_DOES),
    "meetings:meeting_place[circle]": (POST_ONLY, (LOGIN, KEPT, DONE, _, _, _, _, _)),  # its mentor
    "meetings:agenda_delete[circle]": (POST_ONLY, (LOGIN, DONE, KEPT, _, _, _, _, _)),  # its author
    "meetings:shared_notes_save[circle]": (POST_ONLY, PAIR_DOES),
    "meetings:private_note_save[circle]": (POST_ONLY, PAIR_DOES),  # each writes their own
    "meetings:feedback_add[circle]": (POST_ONLY, PAIR_KEPT),  # feedback is for a pair's meetings
    "meetings:action_item_add[circle]": (POST_ONLY, SIGNED_IN_HIDDEN),  # a circle has none
    # Conversations (conversations/): a pair's is its two people's, closed or not; a circle's is
    # its mentor's and its live members', opened through one's own membership (the owner's, in
    # the circle the party leads). Anyone else, admins included, gets 404. Each person reads
    # their own list. Only a message's author edits it (within 15 minutes; the other person
    # gets 403) or deletes it (the other person is sent back with the refusal).
    "conversations:list": (SIGNED_IN, SIGNED_IN),  # POST: the same page, nothing written
    "conversations:conversation": (PAIR_PAGE, PAIR_DOES),  # POST: a message
    "conversations:conversation[circle]": (PAIR_PAGE, PAIR_DOES),
    # The poll never writes, whatever the method: what is newer than ?after=, or 204.
    "conversations:poll": (PAIR_PAGE, PAIR_PAGE),
    "conversations:poll[nothing new]": (
        (LOGIN, NO_CONTENT, NO_CONTENT, _, _, _, _, _),
        (LOGIN, NO_CONTENT, NO_CONTENT, _, _, _, _, _),
    ),
    "conversations:poll[circle]": (PAIR_PAGE, PAIR_PAGE),
    # The read mark, up to the pair's last message: the mentor wrote it, so has read it all.
    "conversations:seen": (POST_ONLY, (LOGIN, DONE, NO_CONTENT, _, _, _, _, _)),
    "conversations:seen[circle]": (POST_ONLY, PAIR_DOES),  # the third member wrote last
    "conversations:message_edit": (OWNER_EDITS, OWNER_DOES),  # the owner's message
    "conversations:message_edit[circle]": (OWNER_EDITS, OWNER_DOES),
    "conversations:message_delete": (POST_ONLY, (LOGIN, DONE, KEPT, _, _, _, _, _)),
    "conversations:message_delete[circle]": (POST_ONLY, (LOGIN, DONE, KEPT, _, _, _, _, _)),
    # Reporting a message (the owner's) to the admins: the other person files it; its author
    # is refused (403: one deletes one's own message instead).
    "conversations:message_report": (PARTY_PAGE, PARTY_DOES),
    "conversations:message_report[circle]": (PARTY_PAGE, PARTY_DOES),
    # A file of a message (the owner's), downloaded by the conversation's people (GET only).
    "conversations:attachment": (PAIR_PAGE, (LOGIN, *(NO_METHOD,) * 7)),
    "conversations:attachment[circle]": (PAIR_PAGE, (LOGIN, *(NO_METHOD,) * 7)),
    # Muting and blocking the other of a pair (the party muted the owner already, so has
    # nothing new to mute, and the owner nothing to lift); a block also files a report. In a
    # circle there is no one "other": refused with a message.
    "conversations:block": (POST_ONLY, (LOGIN, DONE, KEPT, _, _, _, _, _)),  # mute
    "conversations:block[block]": (POST_ONLY, PAIR_DOES),
    "conversations:block[unblock]": (POST_ONLY, (LOGIN, KEPT, DONE, _, _, _, _, _)),
    "conversations:block[circle]": (POST_ONLY, PAIR_KEPT),
    # Check-ins: one's own only; the other person and admins get 404.
    "meetings:checkin": (OWNER_PAGE, OWNER_ONLY_DOES),
    "meetings:checkin_skip": (POST_ONLY, OWNER_ONLY_DOES),
    "meetings:checkin_figures": (ADMIN_PAGE, ADMIN_PAGE),
    # Matching rounds: admins; a stable round's ballot for its mentees and the mentors.
    "matching:rounds": (ADMIN_PAGE, ADMIN_DOES),
    "matching:round": (ADMIN_PAGE, ADMIN_PAGE),
    "matching:round[beta id]": (ADMIN_OTHER_ID, ADMIN_OTHER_ID),
    "matching:round_run": (POST_ONLY, ADMIN_DOES),
    "matching:round_preferences": (
        (LOGIN, OK, OK, _, OK, _, _, _),
        (LOGIN, DONE, DONE, _, DONE, _, _, _),
    ),
    "matching:round_preferences[beta id]": (SIGNED_IN_HIDDEN, SIGNED_IN_HIDDEN),
    "matching:round_publish": (ADMIN_PAGE, ADMIN_DOES),  # GET: what publishing will do
    "matching:round_discard": (POST_ONLY, ADMIN_DOES),
    "matching:proposal_swap": (ADMIN_PAGE, ADMIN_DOES),
    "matching:proposal_swap[beta payload]": (ADMIN_PAGE, ADMIN_PAGE),  # not a candidate
    "matching:proposal_pin": (POST_ONLY, ADMIN_DOES),
    # Another round's proposal: refused with a message, nothing written.
    "matching:proposal_pin[beta id]": (POST_ONLY, (LOGIN, *(DENIED,) * 4, KEPT, DENIED, _)),
    "matching:proposal_unpin": (POST_ONLY, (LOGIN, *(DENIED,) * 4, KEPT, DENIED, _)),
    "matching:proposal_block": (POST_ONLY, ADMIN_DOES),
    # Reports: the program's admins only.
    "reports:dashboard": (ADMIN_PAGE, ADMIN_PAGE),
    "reports:nudge": (POST_ONLY, ADMIN_DOES),
    "reports:nudge[beta id]": (POST_ONLY, ADMIN_OTHER_ID),
    "reports:summary": (ADMIN_PAGE, ADMIN_PAGE),
    "reports:exports": (ADMIN_PAGE, (LOGIN, *(NO_METHOD,) * 7)),
    "reports:export_participants": (ADMIN_PAGE, (LOGIN, *(NO_METHOD,) * 7)),
    "reports:export_mentorships": (ADMIN_PAGE, (LOGIN, *(NO_METHOD,) * 7)),
    "reports:export_requests": (ADMIN_PAGE, (LOGIN, *(NO_METHOD,) * 7)),
    "reports:export_checkins": (ADMIN_PAGE, (LOGIN, *(NO_METHOD,) * 7)),
    # Privacy (privacy/): each person's own settings, export and account; a program admin's
    # deletion of a participant's data; an organization's retention rule. Deleting asks for a
    # fresh sign-in (allauth's reauthentication): the sessions here signed in long ago, so they
    # are sent to re-authenticate and nothing is deleted; a "[fresh]" row's sessions have just
    # re-authenticated (tests/helpers.py signed_in_just_now).
    "privacy:settings": (SIGNED_IN, (LOGIN, *(NO_METHOD,) * 7)),
    # One export a day: the owner's ready one was asked for two hours ago, so theirs is refused.
    "privacy:export": (POST_ONLY, (LOGIN, KEPT, *(DONE,) * 6)),
    # Only one's own ready export downloads (the owner's); anyone else's is 404, as are one's
    # own expired export (its file not swept yet) and one still being built.
    "privacy:download": (OWNER_PAGE, (LOGIN, *(NO_METHOD,) * 7)),
    "privacy:download[expired]": (SIGNED_IN_HIDDEN, (LOGIN, *(NO_METHOD,) * 7)),
    "privacy:download[building]": (SIGNED_IN_HIDDEN, (LOGIN, *(NO_METHOD,) * 7)),
    "privacy:delete": (SIGNED_IN_MOVED, SIGNED_IN_KEPT),  # off to re-authenticate first
    "privacy:delete[fresh]": (SIGNED_IN, SIGNED_IN_DOES),  # each deletes their own account
    # alpha's waiting2 (of alpha's organization only), deleted by alpha's admin: the program and
    # the participant are checked before the fresh sign-in is asked for (403 to those who see
    # alpha but do not run it, 404 beyond, fresh or not).
    "privacy:participant_delete": (
        (LOGIN, DENIED, DENIED, DENIED, DENIED, MOVED, DENIED, _),
        (LOGIN, DENIED, DENIED, DENIED, DENIED, KEPT, DENIED, _),
    ),
    "privacy:participant_delete[fresh]": (ADMIN_PAGE, ADMIN_DOES),
    "privacy:participant_delete[beta id]": (ADMIN_OTHER_ID, ADMIN_OTHER_ID),  # fresh, beta's
    # Fresh, but refused on the page (200, nothing written): a person who takes part in gamma
    # (another organization) too, and the admin themself (an operator's, or their own page's).
    "privacy:participant_delete[elsewhere]": (ADMIN_PAGE, ADMIN_PAGE),
    "privacy:participant_delete[self]": (ADMIN_PAGE, ADMIN_PAGE),
    # alpha's organization's rule: its organization admins only (other_admin); "save" writes
    # it (and the audit entry), "preview" only counts whom it would delete.
    "privacy:retention": (ORG_PAGE, ORG_DOES),
    "privacy:retention[preview]": (ORG_PAGE, ORG_OK),
}

UNAUTHORISED = {LOGIN, BAD_REQUEST, UNAUTHENTICATED, DENIED, HIDDEN, NO_METHOD, EXPIRED}


# Routes requested with each role's token instead of a session, and the scope each needs.
API_ROUTES = {
    "api:program-list": "programs:read",
    "api:program-detail": "programs:read",
    "api:participant-list": "participants:read",
    "api:participant-detail": "participants:read",
    "api:mentorship-list": "mentorships:read",
    "api:mentorship-detail": "mentorships:read",
    "api:request-list": "requests:read",
    "api:request-detail": "requests:read",
    "api:meeting-list": "meetings:read",
    "api:meeting-detail": "meetings:read",
    "api:goal-list": "goals:read",
    "api:goal-detail": "goals:read",
    "api:audit-list": "audit:read",
    "api:audit-detail": "audit:read",
    "api:checkin-figures-detail": "checkins:read",
    "api:goal-figures-detail": "goals:read",
    "api:invitation-list": "invitations:write",
    "api:invitation-detail": "invitations:write",
    "api:invitation-resend": "invitations:write",
    "api:invitation-revoke": "invitations:write",
}

"""matching's views, one module per area: sharing, profiles, requests, mentorships, rounds, and
the admins' pages (manage); the directory's page is matching.directory.views."""

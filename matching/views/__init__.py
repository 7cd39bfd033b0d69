"""matching's views, one module per area: sharing, directory, requests, mentorships."""

"""The mentor directory: a program's mentors, filtered, searched and ranked for one mentee.
The ranking is matching.score's pure function; ``selectors`` gathers its facts in a fixed number
of queries, ``cache`` keeps rankings until a write could move a mentor, ``forms`` holds the
filters and ``views`` the page."""

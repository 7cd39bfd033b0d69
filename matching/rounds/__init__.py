"""Matching rounds: a program admin runs the engine over a set of mentees, adjusts, publishes.
``selectors`` reads the round and gathers the facts the score needs, ``scoring`` and ``solve``
are pure (which pairs are allowed, their scores, the optimum or the stable matching), and
``services`` holds every write; access is ``matching.access.get_round_for_admin``."""

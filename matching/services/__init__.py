"""Writes to matching, one module per subject: profiles and boundaries, requests, the start of a
relationship, its life cycle, and problem reports."""

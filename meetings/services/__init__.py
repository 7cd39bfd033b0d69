"""Writes to meetings: scheduling, working together, check-ins, and closing a program."""

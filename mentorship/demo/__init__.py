"""The demo organization that ``seed_demo`` writes, one module per area, in the order the
command calls them. Every part is idempotent: a second run finds its rows and writes nothing.

The parts write through the apps' services where a service exists; history (meetings held
months ago, answered check-ins) is written as it happened, since no service writes the past.
"""

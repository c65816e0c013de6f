"""Fault injection against a real AgentDesk process: kills, a dead model, a locked database,
a full disk. ``bench/faults.py`` runs every fault with its full trial count and prints the
table; ``tests/hardening/test_faults.py`` runs a fast subset."""

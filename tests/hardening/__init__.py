"""Adversarial tests: hostile input, escapes, network surface, faults (see docs/reliability.md)."""

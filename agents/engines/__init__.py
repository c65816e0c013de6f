"""Engines answer one run; each gets a RunContext and returns the final answer."""

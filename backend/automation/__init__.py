"""Automation: the scheduler and the jobs it runs."""

"""Typed Reflex state classes, one per concern."""

"""The AgentDesk web interface (a Reflex app) and the launcher pieces run.py uses."""

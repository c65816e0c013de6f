"""Agents: the AgentManager and the engines that answer a person's questions."""

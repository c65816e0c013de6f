"""Model access: every provider speaks the OpenAI chat-completions wire format."""

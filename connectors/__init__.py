"""Every way a person reaches the assistant: Rasa channels and the console."""

"""The worker widget's Rasa channel: HTTP POST in, Server-Sent Events out, nothing lost."""

"""Conversation analytics fed from Rasa's event broker (RabbitMQ, production only).

``python -m analytics.consumer`` reads the events Rasa publishes, maps them to per-conversation,
per-day counts (``analytics.events``) and stores them idempotently (``analytics.metrics_store``).
"""

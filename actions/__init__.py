"""Custom actions for the rasa_sdk action server, one small module per feature."""

"""The Rasa assistant: domain, training data, config and custom NLU components."""

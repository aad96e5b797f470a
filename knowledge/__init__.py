"""The policy knowledge base: models, repository, retrieval, seed content, lexicon."""

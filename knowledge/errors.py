"""Domain errors raised by the repository."""


class KnowledgeError(Exception):
    """Base class for knowledge-base errors an operator can act on."""


class FaqNotFound(KnowledgeError):
    pass


class DocumentNotFound(KnowledgeError):
    pass


class InvalidEntry(KnowledgeError):
    pass

"""Domain errors of the knowledge base."""


class KnowledgeError(Exception):
    """Base class for knowledge-base errors an operator can act on."""


class FaqNotFound(KnowledgeError):
    pass


class DocumentNotFound(KnowledgeError):
    pass


class ConditionNotFound(KnowledgeError):
    """No eligibility condition with this id (``knowledge.eligibility_writes``)."""


class LadderNotFound(KnowledgeError):
    """No check with a ladder (or no such level in it) by this id or key
    (``knowledge.eligibility_ladder_review``)."""


class InvalidEntry(KnowledgeError):
    """Content an operator supplied (the seed) failed validation; the message names the
    item's key and each wrong field (``knowledge.catalogue.ValidationFailed`` has them)."""

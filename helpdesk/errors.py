"""Help-desk errors, one meaning each; the console maps them to status codes."""

from __future__ import annotations


class HelpdeskError(Exception):
    """Base class for help-desk errors a person can cause."""


class TicketNotFound(HelpdeskError):
    """No ticket with this id."""


class AlreadyClaimed(HelpdeskError):
    """Someone else claimed the ticket first."""

    def __init__(self, ticket_id: int, claimed_by: str) -> None:
        super().__init__(f"ticket {ticket_id} already claimed by {claimed_by}")
        self.claimed_by = claimed_by


class NotYours(HelpdeskError):
    """Only the staff member holding a ticket may act on it."""


class TicketNotClosed(HelpdeskError):
    """The action needs a closed ticket (an FAQ draft, for example)."""


class ColleagueNotFound(HelpdeskError):
    """No active staff or admin account with this name to transfer to."""


class NoContactLeft(HelpdeskError):
    """The worker left no call-back number on this ticket."""


class DraftRefused(HelpdeskError):
    """An FAQ draft from a ticket breaks a rule of the knowledge base's save; ``errors``
    holds one Chinese message per field (``knowledge.catalogue.ValidationFailed``'s)."""

    def __init__(self, ticket_id: int, errors: dict[str, str]) -> None:
        fields = "; ".join(f"{name}: {message}" for name, message in errors.items())
        super().__init__(f"draft from ticket {ticket_id} refused: {fields}")
        self.errors = errors


class InvalidCannedReply(HelpdeskError):
    """A canned reply's title or text is empty or too long."""


class InvalidAccount(HelpdeskError):
    """An account's name or role is not acceptable."""


class UserExists(HelpdeskError):
    """An account with this name exists already."""

"""The union staff's help desk: tickets, queue, claims, notes, transfers, contacts and
consent, working hours, canned replies, staff accounts and sessions."""

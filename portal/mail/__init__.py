"""Outgoing mail: the transactional outbox and its delivery worker."""

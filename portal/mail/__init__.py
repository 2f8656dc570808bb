"""Outgoing mail: a transactional outbox that any feature writes to, and the worker that delivers it."""

"""Following a search: a saved search, confirmed by mail, and digests of new and changed listings."""

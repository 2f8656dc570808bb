"""Investor enquiries: the form, routing to BOI or NIA, reference numbers, status lookup."""

"""Staff of the agencies: accounts and roles, signing in, who may see what, and the audit log."""

"""The staff area: sign-in, users, the enquiry inbox, curation and the audit log."""

"""Running the portal: ``flask --app portal check`` and what else operators need, above every feature."""

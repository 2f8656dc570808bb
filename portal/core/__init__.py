"""What every feature shares: settings, extensions, languages, time, vocabularies, page numbers, forms, errors."""

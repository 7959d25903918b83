"""results pages."""

urls = []

"""ballots pages."""

urls = []

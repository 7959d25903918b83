"""projects pages."""

urls = []

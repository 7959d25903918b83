"""Reads of M-Voting for pages, exports and the admin; one module per concern."""

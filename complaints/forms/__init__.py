"""The forms of the complaint pages, one module per page."""

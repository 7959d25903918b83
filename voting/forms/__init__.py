"""M-Voting forms, one module per page."""

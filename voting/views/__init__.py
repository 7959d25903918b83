"""M-Voting's pages, one module per concern; each module defines its `urlpatterns`."""

"""Every read the pages, exports and admin make, one module per concept; each owns its
select_related/prefetch_related so that a page costs the same number of queries at any size."""

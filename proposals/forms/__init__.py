"""Forms of Democratic Seoul's pages, one module per concept."""

"""Forms of the governance records, one module per concept."""

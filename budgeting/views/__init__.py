"""The citizens' pages of participatory budgeting, one module per concept; each module lists its
URL patterns in `urls` (budgeting/urls.py joins them)."""

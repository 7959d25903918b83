"""The officials' back office of participatory budgeting, one module per concept."""

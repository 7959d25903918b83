"""The officials' back office for Democratic Seoul, one module per concept."""

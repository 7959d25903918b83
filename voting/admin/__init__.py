"""The officials' back office for M-Voting."""

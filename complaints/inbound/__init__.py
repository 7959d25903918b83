"""Complaints that arrive as messages: an SMS to the city's number (Twilio's inbound webhook) or an
email to its complaints address (anymail's inbound webhook of the configured ESP). Each becomes a
complaint in the triage queue (no category, no location yet) that the intake desk completes; the
sender is told the tracking number on the channel they wrote from."""

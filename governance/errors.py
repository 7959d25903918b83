class GovernanceError(Exception):
    """An illegal move on a governance record, with a message fit to show the official or the citizen."""

    def __init__(self, message, field=None):
        self.message = str(message)
        # The form field the refusal is about, so a view can show it there (None: the whole form).
        self.field = field
        super().__init__(self.message)

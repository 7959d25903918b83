class ProposalError(Exception):
    """An illegal move or bad input: `message` is shown to the person, `field` names the form field."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self):
        return str(self.message)

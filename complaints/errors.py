class ComplaintError(Exception):
    """An illegal move or bad input: `message` is shown to the person, `field` names the form
    field, `code` lets a view pick a status (e.g. "forbidden" → 403, "not_found" → 404)."""

    def __init__(self, message, field=None, code="invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def __str__(self):
        return str(self.message)

"""Open311's error document: a list of {code, description}, sent with the matching HTTP status.

The spec's rule: 404 for a resource that does not exist, 403 for a missing or wrong api_key, 400
for any other request that cannot be fulfilled. We add 405 (wrong method), 413 (body too large)
and 429 (too many posts from one key); the document is the same.
"""


class Open311Error(Exception):
    """A request the API refuses; `description` is shown to the app's user (gettext'd)."""

    def __init__(self, status: int, description, *, headers=None):
        super().__init__(str(description))
        self.status = status
        self.description = description
        self.headers = dict(headers or {})

    def document(self) -> list[dict]:
        return [{"code": self.status, "description": str(self.description)}]


def bad_request(description) -> Open311Error:
    return Open311Error(400, description)


def forbidden(description) -> Open311Error:
    return Open311Error(403, description)


def not_found(description) -> Open311Error:
    return Open311Error(404, description)

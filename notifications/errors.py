class NotificationError(Exception):
    """A domain error: the message is safe to show to an official."""


class NotificationStateError(NotificationError):
    pass


class NotificationNotFound(NotificationError):
    pass

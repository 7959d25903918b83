from . import (  # noqa: F401
    committees,
    documents,  # noqa: F401
    meetings,
    org,  # noqa: F401
    research,  # noqa: F401
    reviews,  # noqa: F401
)

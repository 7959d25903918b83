"""Editing a record's descriptive fields: the part every `<entity>_update` service shares."""


def apply_changes(record, fields, *, allowed, service):
    """Set the given fields on a (locked) record and return the names that really changed.

    Fields outside `allowed` are a programming error (they change through their own service)."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"{service}: unknown fields {sorted(unknown)}; they change through their own service")
    changed = sorted(name for name, value in fields.items() if getattr(record, name) != value)
    for name in changed:
        setattr(record, name, fields[name])
    return changed

"""The routing classifier: text → (unit id, confidence). Filled in by the router slice."""


def predict(parameters: dict, text: str):
    """(unit id, probability) of the most likely unit, or None when the model knows nothing of the text."""
    return None

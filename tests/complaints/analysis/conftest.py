import pytest


@pytest.fixture(autouse=True)
def _language_isolated(language_isolated):
    """Each analysis test starts in Korean (the site's language) and leaves the language as it was."""
    yield

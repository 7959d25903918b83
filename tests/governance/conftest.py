import pytest


@pytest.fixture
def messages_in_english(client):
    """For tests that read refusals by their English texts (msgids): services run in English.

    The admin, outside the language prefixes, always answers in Korean (the site's language), so
    admin pages are still checked in Korean."""
    from django.utils import translation

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield

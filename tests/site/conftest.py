import pytest

from .markup import parse


@pytest.fixture
def get_page(client):
    """GET a URL and return (response, parsed document)."""

    def get(url, **extra):
        response = client.get(url, **extra)
        return response, parse(response.content)

    return get


@pytest.fixture
def citizen(db, django_user_model):
    return django_user_model.objects.create_user(phone="+821055501234")

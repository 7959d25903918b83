import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_a_form_without_its_token_gets_the_sites_403_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("citizens:signin"), {"phone": "010-1234-5678"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "양식의 유효 시간이 지났습니다" in page
    assert 'lang="ko"' in page

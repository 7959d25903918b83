"""Categories are managed in the back office, each with the unit its proposals go to."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from proposals.models import Category, Proposal

from .conftest import admin_login, with_perms

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:proposals_category_changelist")


@pytest.fixture
def category_manager(make_citizen):
    return with_perms(
        make_citizen(is_staff=True), "view_category", "add_category", "change_category", "delete_category"
    )


def test_the_office_lists_categories_with_their_unit(client, category, category_manager, unit):
    admin_login(client, category_manager)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [category]
    assert unit.name_ko in response.content.decode()


def test_a_category_is_added_with_its_default_unit_and_audited(client, category_manager, unit):
    admin_login(client, category_manager)
    response = client.post(
        reverse("admin:proposals_category_add"),
        {"slug": "welfare", "name_ko": "복지", "name_en": "Welfare", "default_unit": unit.pk},
    )
    assert response.status_code == 302
    created = Category.objects.get(slug="welfare")
    assert created.default_unit == unit
    assert AuditEvent.objects.filter(action="proposal_category.create", target_id=str(created.pk)).exists()


def test_the_default_unit_is_changed_but_not_the_slug(client, category, category_manager, other_unit):
    admin_login(client, category_manager)
    url = reverse("admin:proposals_category_change", args=[category.pk])
    response = client.post(
        url, {"slug": "renamed", "name_ko": "교통", "name_en": "Transport", "default_unit": other_unit.pk}
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.slug, category.default_unit) == ("transport", other_unit)
    event = AuditEvent.objects.get(action="proposal_category.change")
    assert event.summary == {"fields": ["default_unit"]}


def test_a_duplicate_slug_or_an_inactive_unit_is_a_form_error(client, category, category_manager, other_unit):
    other_unit.is_active = False
    other_unit.save(update_fields=["is_active"])
    admin_login(client, category_manager)
    response = client.post(
        reverse("admin:proposals_category_add"),
        {"slug": "transport", "name_ko": "교통2", "name_en": "Transport 2", "default_unit": other_unit.pk},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "slug" in errors and "default_unit" in errors
    assert Category.objects.count() == 1


def test_a_category_in_use_is_not_deleted(client, category, category_manager, make_proposal):
    make_proposal(Proposal.Status.OPEN)
    admin_login(client, category_manager)
    url = reverse("admin:proposals_category_delete", args=[category.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["protected"]
    assert client.post(url, {"post": "yes"}).status_code == 200
    assert Category.objects.filter(pk=category.pk).exists()


def test_an_unused_category_is_deleted_and_audited(client, category_manager):
    unused = Category.objects.create(slug="unused", name_ko="미사용", name_en="Unused")
    admin_login(client, category_manager)
    response = client.post(reverse("admin:proposals_category_delete", args=[unused.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Category.objects.filter(pk=unused.pk).exists()
    assert AuditEvent.objects.filter(action="proposal_category.delete", target_id=str(unused.pk)).exists()


def test_an_official_without_the_permission_cannot_manage_categories(client, category, official):
    admin_login(client, official)
    assert client.get(CHANGELIST).status_code == 403
    assert (
        client.post(reverse("admin:proposals_category_add"), {"slug": "x", "name_ko": "x", "name_en": "x"}).status_code
        == 403
    )

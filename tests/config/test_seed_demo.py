import pytest
from django.core.management import CommandError, call_command

from citizens.models import Citizen, Consent

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)
    counts = (Citizen.objects.count(), Consent.objects.count())
    call_command("seed_demo")
    assert (Citizen.objects.count(), Consent.objects.count()) == counts
    assert Citizen.objects.filter(is_superuser=True).count() == 1
    # Three demo citizens and two committee members who can sign in to /review/.
    assert Citizen.objects.filter(profile_completed_at__isnull=False, is_staff=False).count() == 5


def test_seed_demo_refuses_a_production_site(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not Citizen.objects.exists()

"""Password sign-in lockout, with the clock moved forward: repeated wrong passwords for one email
from one address lock that pair for a cool-off, with a clear message; other addresses are not
locked; failures expire; a correct password clears the count."""

from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from audit.models import AuditEvent, AuditEventIP
from citizens import services
from citizens.login_lockout import login_failures_purge, pair_key
from citizens.models import Citizen, LoginFailureCounter

pytestmark = pytest.mark.django_db

EMAIL = "official@seoul.example"
PASSWORD = "a-long-enough-passphrase"
HOME = "192.0.2.10"
ELSEWHERE = "198.51.100.20"


@pytest.fixture
def official():
    return Citizen.objects.create_superuser(email=EMAIL, password=PASSWORD)


@pytest.fixture
def sign_in(client):
    def post(password, *, ip=HOME, email=EMAIL):
        return client.post(reverse("admin:login"), {"username": email, "password": password}, REMOTE_ADDR=ip)

    return post


def form_error(response):
    assert response.status_code == 200, response.status_code
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    return errors[0]


def signed_in(client):
    return "_auth_user_id" in client.session


def fail(sign_in, times, **where):
    for _ in range(times):
        message = form_error(sign_in("wrong-password", **where))
        assert "비밀번호" in message and "네트워크" not in message  # Django's "wrong email or password"


def test_five_wrong_passwords_lock_the_pair_with_a_clear_message(client, official, sign_in, settings):
    start = timezone.now().replace(second=0, microsecond=0)
    with freeze_time(start):
        fail(sign_in, settings.LOGIN_LOCKOUT_FAILURES - 1)
        # The attempt that sets the lock already says so.
        message = form_error(sign_in("wrong-password"))
    unlocks = f"{timezone.localtime(start + timedelta(minutes=15)):%H:%M}"
    assert "네트워크" in message and unlocks in message
    # Locked: even the right password is refused, with the same message, and nobody signs in.
    with freeze_time(start + timedelta(minutes=14, seconds=59)):
        assert form_error(sign_in(PASSWORD)) == message
    assert not signed_in(client)
    # The cool-off is over: the right password works.
    with freeze_time(start + timedelta(minutes=15, seconds=1)):
        assert sign_in(PASSWORD).status_code == 302
    assert signed_in(client)
    assert client.get(reverse("admin:index")).status_code == 200


def test_another_address_is_not_locked(client, official, sign_in, settings):
    with freeze_time(timezone.now()):
        fail(sign_in, settings.LOGIN_LOCKOUT_FAILURES - 1)
        form_error(sign_in("wrong-password"))
        assert sign_in(PASSWORD, ip=ELSEWHERE).status_code == 302
    assert signed_in(client)


def test_another_account_from_the_same_address_is_not_locked(client, official, sign_in, settings):
    Citizen.objects.create_superuser(email="deputy@seoul.example", password=PASSWORD)
    with freeze_time(timezone.now()):
        fail(sign_in, settings.LOGIN_LOCKOUT_FAILURES - 1)
        form_error(sign_in("wrong-password"))
        assert sign_in(PASSWORD, email="deputy@seoul.example").status_code == 302


def test_failures_expire_after_the_window(client, official, sign_in, settings):
    start = timezone.now()
    with freeze_time(start):
        fail(sign_in, settings.LOGIN_LOCKOUT_FAILURES - 1)
    with freeze_time(start + timedelta(minutes=15, seconds=1)):
        fail(sign_in, settings.LOGIN_LOCKOUT_FAILURES - 1)
        assert sign_in(PASSWORD).status_code == 302
    assert not LoginFailureCounter.objects.filter(locked_until__isnull=False).exists()


def test_failures_within_the_window_add_up(official, sign_in, settings):
    start = timezone.now()
    with freeze_time(start):
        fail(sign_in, settings.LOGIN_LOCKOUT_FAILURES - 1)
    with freeze_time(start + timedelta(minutes=14)):
        assert "네트워크" in form_error(sign_in("wrong-password"))


def test_a_correct_password_clears_the_count(client, official, sign_in, settings):
    with freeze_time(timezone.now()):
        fail(sign_in, settings.LOGIN_LOCKOUT_FAILURES - 1)
        assert sign_in(PASSWORD).status_code == 302
        client.logout()
        fail(sign_in, settings.LOGIN_LOCKOUT_FAILURES - 1)
        assert sign_in(PASSWORD).status_code == 302


def test_after_the_cool_off_the_pair_has_all_its_tries_again(official, sign_in, settings):
    start = timezone.now()
    with freeze_time(start):
        fail(sign_in, settings.LOGIN_LOCKOUT_FAILURES - 1)
        form_error(sign_in("wrong-password"))
    with freeze_time(start + timedelta(minutes=16)):
        fail(sign_in, settings.LOGIN_LOCKOUT_FAILURES - 1)
        assert "네트워크" in form_error(sign_in("wrong-password"))


def test_an_unknown_email_is_counted_the_same_way(sign_in, settings):
    """The lock does not tell an account that exists from one that doesn't."""
    with freeze_time(timezone.now()):
        fail(sign_in, settings.LOGIN_LOCKOUT_FAILURES - 1, email="nobody@seoul.example")
        assert "네트워크" in form_error(sign_in("wrong-password", email="nobody@seoul.example"))


def test_the_limits_are_settings(official, sign_in, settings):
    settings.LOGIN_LOCKOUT_FAILURES = 2
    settings.LOGIN_LOCKOUT_COOL_OFF_SECONDS = 60
    start = timezone.now()
    with freeze_time(start):
        fail(sign_in, 1)
        assert "네트워크" in form_error(sign_in("wrong-password"))
    with freeze_time(start + timedelta(seconds=61)):
        assert sign_in(PASSWORD).status_code == 302


def test_the_lock_is_audited_once_without_the_email(official, sign_in, settings):
    with freeze_time(timezone.now()):
        fail(sign_in, settings.LOGIN_LOCKOUT_FAILURES - 1)
        for _ in range(3):
            form_error(sign_in("wrong-password"))
    event = AuditEvent.objects.get(action="citizen.sign_in_locked")
    assert (event.target_type, event.target_id) == ("citizens.citizen", str(official.pk))
    assert event.summary == {"failures": 5, "cool_off_minutes": 15, "known_account": True}
    assert AuditEventIP.objects.get(event=event).ip == HOME
    assert EMAIL not in str(event.summary)


def test_the_counter_holds_neither_email_nor_address(official, sign_in):
    with freeze_time(timezone.now()):
        form_error(sign_in("wrong-password"))
    counter = LoginFailureCounter.objects.get()
    assert counter.key == pair_key("Official@Seoul.example ", HOME)
    assert counter.key != pair_key(EMAIL, ELSEWHERE)
    assert "seoul" not in counter.key and "192" not in counter.key
    assert counter.failures == 1


def test_every_password_path_is_locked_not_only_the_admin_form(official, sign_in, settings):
    """The lock lives in the password backend: any view that calls authenticate() is refused."""
    with freeze_time(timezone.now()):
        fail(sign_in, settings.LOGIN_LOCKOUT_FAILURES - 1)
        form_error(sign_in("wrong-password"))
        request = RequestFactory().post("/", REMOTE_ADDR=HOME)
        request.client_ip = HOME
        assert authenticate(request, username=EMAIL, password=PASSWORD) is None
        elsewhere = RequestFactory().post("/", REMOTE_ADDR=ELSEWHERE)
        elsewhere.client_ip = ELSEWHERE
        assert authenticate(elsewhere, username=EMAIL, password=PASSWORD) == official


def test_the_address_is_the_client_behind_the_trusted_proxy(official, sign_in, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"

    def through_proxy(password, client_address):
        return Client().post(reverse("admin:login"), {"username": EMAIL, "password": password},
                             REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=client_address)

    with freeze_time(timezone.now()):
        for _ in range(settings.LOGIN_LOCKOUT_FAILURES):
            form_error(through_proxy("wrong-password", "203.0.113.9"))
        # Another client behind the same proxy is not locked; the one that failed is.
        assert through_proxy(PASSWORD, "203.0.113.10").status_code == 302
        assert "네트워크" in form_error(through_proxy(PASSWORD, "203.0.113.9"))


def test_spent_counters_are_purged_and_locks_kept(official, sign_in, settings):
    start = timezone.now()
    with freeze_time(start):
        form_error(sign_in("wrong-password", ip=ELSEWHERE))
    with freeze_time(start + timedelta(minutes=10)):
        fail(sign_in, settings.LOGIN_LOCKOUT_FAILURES - 1)
        form_error(sign_in("wrong-password"))  # locks (official, HOME) until +25 min
    with freeze_time(start + timedelta(minutes=20)):
        assert login_failures_purge() == 1  # the other address's failure: its window is over
        assert LoginFailureCounter.objects.get().locked_until is not None
    with freeze_time(start + timedelta(minutes=26)):
        _codes, counters = services.sign_in_records_purge()
        assert counters == 1
    assert not LoginFailureCounter.objects.exists()


def test_an_older_hash_is_upgraded_to_argon2_at_sign_in(client, official, sign_in):
    official.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    official.save(update_fields=["password"])
    assert sign_in(PASSWORD).status_code == 302
    official.refresh_from_db()
    assert official.password.startswith("argon2")


def test_a_new_password_is_hashed_with_argon2():
    staff = Citizen.objects.create_user(email="new.staff@seoul.example", password=PASSWORD, is_staff=True)
    assert staff.password.startswith("argon2$argon2id$")
    assert staff.check_password(PASSWORD)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_failures_are_all_counted_and_lock_once(settings):
    """Failures at the same instant (PostgreSQL; SQLite serialises writers anyway): the row's
    creation races, the counts queue on the row lock, exactly one of them sets the lock and
    writes the audit event, and those after it count nothing."""
    from citizens.login_lockout import failure_record
    from tests.race_support import run_at_once, widened_pool

    now = timezone.now()
    with widened_pool():
        results, errors = run_at_once(
            [lambda: failure_record(username=EMAIL, ip=HOME, now=now) for _ in range(12)], refusals=()
        )
    assert errors == []
    assert [until for until in results if until] == [now + timedelta(minutes=15)]
    counter = LoginFailureCounter.objects.get()
    assert (counter.failures, counter.locked_until) == (0, now + timedelta(minutes=15))
    assert AuditEvent.objects.filter(action="citizen.sign_in_locked").count() == 1

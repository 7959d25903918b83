"""Proving that a person holds a phone: the one pluggable step of sign-in (PHONE_VERIFIER).

Today a 6-digit code goes out by SMS; carrier identity verification (PASS) can replace it later
by implementing the same two calls, `begin` and `confirm`.
"""

import secrets
from datetime import timedelta
from hmac import compare_digest

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import crypto, registry
from .models import PhoneVerification, phone_blind_index
from .throttling import RateLimited, prefix_key, take_send_slot

__all__ = ["RateLimited", "VerificationFailed", "SmsCodeVerifier", "get_verifier"]


class VerificationFailed(Exception):
    def __init__(self, message, *, code):
        super().__init__(str(message))
        self.message = message
        self.code = code


def _code_hash(verification_phone_index, code):
    return crypto.keyed_hash(f"{verification_phone_index}:{code}", purpose="phone-code")


class SmsCodeVerifier:
    code_length = 6

    def begin(self, *, phone, ip, language="ko", now=None):
        """Send a fresh code to `phone` (E.164). Raises RateLimited; older codes stop working."""
        now = now or timezone.now()
        phone_index = phone_blind_index(phone)
        code = f"{secrets.randbelow(10**self.code_length):0{self.code_length}d}"
        with transaction.atomic():
            take_send_slot(phone_index=phone_index, prefix=prefix_key(phone), ip=ip, now=now)
            PhoneVerification.objects.filter(
                phone_index=phone_index, confirmed_at__isnull=True, invalidated_at__isnull=True
            ).update(invalidated_at=now)
            verification = PhoneVerification.objects.create(
                phone_index=phone_index,
                code_hash=_code_hash(phone_index, code),
                created_at=now,
                expires_at=now + timedelta(seconds=settings.PHONE_CODE_TTL_SECONDS),
            )
            registry.send_code(phone=phone, code=code, language=language, reference=str(verification.pk))
        return verification

    def confirm(self, *, phone, code, now=None):
        """Accept the latest code sent to `phone`, or raise VerificationFailed saying why."""
        now = now or timezone.now()
        phone_index = phone_blind_index(phone)
        failure = None
        with transaction.atomic():
            verification = (
                PhoneVerification.objects.select_for_update()
                .filter(phone_index=phone_index)
                .order_by("-created_at", "-pk")
                .first()
            )
            if verification is None or not verification.is_open:
                failure = VerificationFailed(
                    _("There is no code waiting for this number. Please ask for a new code."), code="no_code"
                )
            elif verification.expires_at <= now:
                verification.invalidated_at = now
                verification.save(update_fields=["invalidated_at"])
                failure = VerificationFailed(
                    _("This code has expired (codes are valid for 5 minutes). Please ask for a new code."),
                    code="expired",
                )
            elif not compare_digest(verification.code_hash, _code_hash(phone_index, (code or "").strip())):
                verification.failed_attempts += 1
                left = settings.PHONE_CODE_MAX_ATTEMPTS - verification.failed_attempts
                if left <= 0:
                    verification.invalidated_at = now
                    failure = VerificationFailed(
                        _("The code was entered wrongly too many times and no longer works. "
                          "Please ask for a new code."),
                        code="too_many_attempts",
                    )
                else:
                    failure = VerificationFailed(
                        ngettext(
                            "The code is not correct. You can try %(left)d more time.",
                            "The code is not correct. You can try %(left)d more times.",
                            left,
                        )
                        % {"left": left},
                        code="wrong_code",
                    )
                verification.save(update_fields=["failed_attempts", "invalidated_at"])
            else:
                verification.confirmed_at = now
                verification.save(update_fields=["confirmed_at"])
        # Raised after the block, so the counted attempt is committed, not rolled back.
        if failure:
            raise failure
        return verification


def get_verifier():
    return import_string(settings.PHONE_VERIFIER)()

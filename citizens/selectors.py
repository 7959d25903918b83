"""Reads of a citizen's own record, for /me/ and the personal-data download."""

from . import registry
from .consents import purposes
from .models import Consent


def consent_answers(citizen):
    """{purpose key: Consent} for the current version of each text the citizen has answered."""
    current = {(item.key, item.version) for item in purposes()}
    answers = Consent.objects.filter(citizen=citizen, withdrawn_at__isnull=True)
    return {answer.purpose: answer for answer in answers if (answer.purpose, answer.version) in current}


def consents_with_answers(citizen):
    """[(purpose, its current answer or None)] in the order the consent screen shows them."""
    answers = consent_answers(citizen)
    return [(item, answers.get(item.key)) for item in purposes()]


def my_seoul_panels(citizen):
    """The panels other apps registered for /me/ that have something for this citizen, each with
    its context."""
    with_context = [(panel, panel.context(citizen)) for panel in registry.panels()]
    return [(panel, context) for panel, context in with_context if context is not None]


def citizen_personal_data(citizen):
    """Everything the portal holds about this citizen, and nothing about anyone else."""
    profile = {
        "id": citizen.pk,
        "phone": citizen.phone,
        "email": citizen.email,
        "name": citizen.name,
        "birth_date": citizen.birth_date.isoformat() if citizen.birth_date else None,
        "district": (
            {"code": citizen.district.code, "name": citizen.district.name_ko} if citizen.district_id else None
        ),
        "residence_basis": citizen.residence_basis,
        "gender": citizen.gender,
        "language": citizen.language,
        "notify_by": citizen.notify_by,
        "date_joined": citizen.date_joined.isoformat(),
        "phone_verified_at": citizen.phone_verified_at.isoformat() if citizen.phone_verified_at else None,
        "last_login": citizen.last_login.isoformat() if citizen.last_login else None,
    }
    consents = [
        {
            "purpose": consent.purpose,
            "version": consent.version,
            "granted": consent.granted,
            "answered_at": consent.answered_at.isoformat(),
            "withdrawn_at": consent.withdrawn_at.isoformat() if consent.withdrawn_at else None,
        }
        for consent in Consent.objects.filter(citizen=citizen).order_by("answered_at", "pk")
    ]
    data = {"profile": profile, "consents": consents}
    for handler in registry.personal_data_handlers():
        data[handler.key] = handler.export(citizen)
    return data

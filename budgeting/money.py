"""Amounts of Korean won as pages and messages show them: "300,000,000원" / "KRW 300,000,000"."""

from django.utils.translation import gettext


def won(amount) -> str:
    # Grouped by hand, not by number_format: the separator must not depend on USE_THOUSAND_SEPARATOR
    # or the locale's format (a Korean reader expects commas too).
    return gettext("KRW %(amount)s") % {"amount": f"{int(amount):,}"}

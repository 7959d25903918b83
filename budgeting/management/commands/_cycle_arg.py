"""What the budgeting commands share: finding the cycle an operator named."""

from django.core.management.base import CommandError

from budgeting.models import Cycle


def cycle_from_argument(value) -> Cycle:
    try:
        return Cycle.objects.prefetch_related("phases", "pots").get(pk=int(value))
    except (ValueError, TypeError, OverflowError):
        raise CommandError(f"{value!r} is not a cycle id (a whole number).") from None
    except Cycle.DoesNotExist:
        raise CommandError(f"There is no cycle with id {value}.") from None

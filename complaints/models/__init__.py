from .calendar import HolidayChange

__all__ = ["HolidayChange"]

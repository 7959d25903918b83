"""The filters of the complaints dashboards (public, officials', and the density map's): a period
(a preset ending today, or custom dates) and optional category, district, channel and unit.

Everything arrives in the URL, so anything may arrive: a value that is not one of the choices, a
malformed or reversed date, a period of a century, a parameter given twice. Each is a form error
with a clear message and the page answers 400 without figures; nothing invalid reaches a query.
The longest valid filter (ten years, every dimension) reads the same few rollup queries as the
default, so no valid filter is slow.
"""

from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from citizens.models import District

from ..models import Channel
from ..selectors.public import filter_categories
from ..selectors.stats import DEFAULT_PERIOD, PRESET_DAYS, StatsFilter

CUSTOM = "custom"
# Custom periods stay within these bounds: the rollups start in 2000, and ten years is the
# longest span the monthly rollups answer with a bounded number of rows.
EARLIEST = date(2000, 1, 1)
MAX_YEARS = 10
# The parameters the form reads, in the order of the canonical query string.
PARAMETERS = ("period", "start", "end", "category", "district", "channel", "unit")


def today() -> date:
    """Today in Seoul (TIME_ZONE is Asia/Seoul)."""
    return timezone.localdate()


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier (28 February for 29 February); date.min when that is before
    the calendar's first year (a URL may ask for the year 5)."""
    if day.year - years < date.min.year:
        return date.min
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


BAD_DATE = {"invalid": _("Enter a date as year-month-day, for example 2025-06-01.")}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class StatsFilterForm(forms.Form):
    period = forms.ChoiceField(
        label=pgettext_lazy("complaint statistics", "Period"),
        required=False,
        choices=[
            ("7d", _("Last 7 days")),
            ("28d", _("Last 4 weeks")),
            ("90d", _("Last 90 days")),
            ("365d", _("Last 12 months")),
            (CUSTOM, _("Custom dates")),
        ],
        error_messages={"invalid_choice": _("Choose one of the periods offered.")},
    )
    start = forms.DateField(
        label=pgettext_lazy("complaint statistics", "From"), required=False, widget=DateInput(),
        input_formats=["%Y-%m-%d"], help_text=_("For custom dates. Year-month-day."), error_messages=BAD_DATE,
    )  # fmt: skip
    end = forms.DateField(
        label=pgettext_lazy("complaint statistics", "To"), required=False, widget=DateInput(),
        input_formats=["%Y-%m-%d"], help_text=_("For custom dates. Year-month-day."), error_messages=BAD_DATE,
    )  # fmt: skip
    # The messages name no value: a refused value is not echoed back (it may be 10,000 characters).
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 error_messages={"invalid_choice": _("There is no such category.")})  # fmt: skip
    district = forms.ChoiceField(label=_("District"), required=False,
                                 error_messages={"invalid_choice": _("There is no such district.")})  # fmt: skip
    channel = forms.ChoiceField(
        label=pgettext_lazy("complaint statistics", "Channel"), required=False,
        choices=[("", _("Every channel")), *Channel.choices],
        error_messages={"invalid_choice": _("There is no such channel.")},
    )  # fmt: skip
    unit = forms.ChoiceField(
        label=pgettext_lazy("complaint statistics", "Unit"), required=False,
        error_messages={"invalid_choice": _("There is no such unit among those you may see.")},
    )  # fmt: skip

    def __init__(self, data=None, *, units=None):
        """`data`: request.GET. `units`: the org units the caller may filter by (their codes are
        the choices); None leaves the unit filter out."""
        super().__init__(self.with_period(data))
        self.categories = {category.service_code: category for category in filter_categories()}
        self.districts = {district.code: district for district in District.objects.only("code", "name_ko", "name_en")}
        self.fields["category"].choices = [("", _("Every category"))] + [
            (code, category.name) for code, category in self.categories.items()
        ]
        self.fields["district"].choices = [("", _("Every district"))] + sorted(
            ((code, district.name) for code, district in self.districts.items()), key=lambda pair: pair[1]
        )
        if units is None:
            self.units = None
            del self.fields["unit"]
        else:
            self.units = {unit.code: unit for unit in units}
            self.fields["unit"].choices = [("", _("Every unit"))] + [
                (code, unit.name) for code, unit in self.units.items()
            ]

    @staticmethod
    def with_period(data):
        """The query with the period it implies made explicit, so the form shows it selected:
        dates alone mean custom dates, nothing means the default."""
        data = data.copy() if data is not None else QueryDict(mutable=True)
        given = data.getlist("period") if hasattr(data, "getlist") else [data.get("period")]
        if not any(given):
            data["period"] = CUSTOM if (data.get("start") or data.get("end")) else DEFAULT_PERIOD
        return data

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        # A parameter given twice is ambiguous (which one did the sharer mean?): refuse it.
        getlist = getattr(self.data, "getlist", None)
        for name in list(self.fields) if getlist else ():
            if len(getlist(name)) > 1 and name in self.cleaned_data:
                self.add_error(name, _("Give this filter only once."))

    def clean(self):
        cleaned = super().clean()
        period = cleaned.get("period") or ""
        start, end = cleaned.get("start"), cleaned.get("end")
        if "start" in self.errors or "end" in self.errors or "period" in self.errors:
            return cleaned
        # Dates alone (a hand-written URL) mean a custom period.
        if not period:
            period = CUSTOM if (start or end) else DEFAULT_PERIOD
        cleaned["period"] = period
        if period != CUSTOM:
            cleaned["end"] = today()
            cleaned["start"] = cleaned["end"] - timedelta(days=PRESET_DAYS[period] - 1)
            return cleaned
        if start is None or end is None:
            raise forms.ValidationError(_("A custom period needs both dates, from and to."), code="incomplete")
        if start > end:
            raise forms.ValidationError(_("The period starts after it ends: swap the dates."), code="reversed")
        if end > today():
            self.add_error("end", forms.ValidationError(_("The period cannot end after today."), code="future"))
        if start < EARLIEST:
            self.add_error("start", forms.ValidationError(
                _("The figures start on %(earliest)s; choose a later date."), code="too_early",
                params={"earliest": EARLIEST.isoformat()},
            ))  # fmt: skip
            # Refused already: the length check would only repeat it (and count back from year 1).
            return cleaned
        if start <= years_before(end, MAX_YEARS):
            raise forms.ValidationError(
                _("A period can be at most %(years)d years long."), code="too_long", params={"years": MAX_YEARS}
            )
        return cleaned

    def problems(self) -> list[str]:
        """Every error of the form as one sentence each, for the message above the figures."""
        messages = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            for error in errors:
                messages.append(f"{label}: {error}" if label else str(error))
        return messages

    def stats_filter(self) -> StatsFilter:
        """The filter as the dashboards' selector takes it (valid form only)."""
        data = self.cleaned_data
        category = self.categories.get(data.get("category") or "")
        district = self.districts.get(data.get("district") or "")
        unit = self.units.get(data.get("unit") or "") if self.units is not None else None
        return StatsFilter(
            start=data["start"],
            end=data["end"],
            category_id=category.pk if category else None,
            district_id=district.pk if district else None,
            channel=data.get("channel") or "",
            unit_id=unit.pk if unit else None,
        )

    def query(self) -> dict[str, str]:
        """The filter's canonical parameters: the period, its dates if custom, the dimensions set.
        Only what validated (an invalid form gives what of it is still valid)."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        data = self.cleaned_data
        query = {}
        period = data.get("period") or ""
        if period and "period" not in self.errors:
            query["period"] = period
            if period == CUSTOM and data.get("start") and data.get("end"):
                query["start"] = data["start"].isoformat()
                query["end"] = data["end"].isoformat()
        for name in ("category", "district", "channel", "unit"):
            if data.get(name) and name not in self.errors:
                query[name] = data[name]
        return query

    def query_string(self) -> str:
        """The canonical URL query of the current filter ("" for the default), for links to share."""
        query = self.query()
        if query.get("period") == DEFAULT_PERIOD:
            del query["period"]
        return urlencode(query)

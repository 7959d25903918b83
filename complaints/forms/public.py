"""The filters of the public list and map: category, district, state, words of the text and the
days received, all optional. A value that is not one of the choices is reported and left out
(the page still shows).

The words (`q`, what a trending term links with) are searched within a bounded period only, never
across every complaint: without dates, the last TEXT_DEFAULT_DAYS days; a longer period is cut to
its last TEXT_MAX_DAYS days. The search is a substring match (no text index can serve it), so
what bounds its cost is the rows it reads: the public complaints received in those days, which
the partial index complaint_public_recent (public complaints by received_at) hands over in
order; the title and description are matched only on those. 35 days, the trends' whole window,
is about 245,000 complaints city-wide at ~7,000 a day, of which only the public ones are read
(93 days read ~650,000)."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citizens.models import District

from ..selectors import STATUS_GROUPS, filter_categories

STATUS_LABELS = {"open": _("Open"), "answered": _("Answered"), "closed": _("Closed")}
TEXT_MAX_LENGTH = 60
TEXT_DEFAULT_DAYS = 35
TEXT_MAX_DAYS = TEXT_DEFAULT_DAYS
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _days_before(day, days):
    try:
        return day - timedelta(days=days)
    except OverflowError:  # the first years of the calendar: nothing there anyway
        return date.min


class ComplaintFilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    status = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Every state"))] + [(key, STATUS_LABELS[key]) for key in STATUS_GROUPS],
    )
    q = forms.CharField(
        label=_("Words in the complaint"), required=False, max_length=TEXT_MAX_LENGTH, strip=True,
        help_text=_("Searched in the title and description of complaints received in the chosen days (the last "
                    "35 days when none are chosen)."),
    )  # fmt: skip
    since = forms.DateField(label=_("Received from"), required=False, widget=DATE_INPUT)
    until = forms.DateField(label=_("Received until"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {category.service_code: category for category in filter_categories()}
        self.districts = {district.code: district for district in District.objects.only("code", "name_ko", "name_en")}
        self.fields["category"].choices = [("", _("Every category"))] + [
            (code, category.name) for code, category in self.categories.items()
        ]
        self.fields["district"].choices = [("", _("Every district"))] + sorted(
            ((code, district.name) for code, district in self.districts.items()), key=lambda pair: pair[1]
        )

    def filters(self) -> dict:
        """The valid filters as public_complaints() takes them; invalid ones are left out."""
        self.is_valid()
        data = {name: self.data.get(name, "") for name in self.fields}
        category = self.categories.get(data["category"]) if "category" not in self.errors else None
        district = self.districts.get(data["district"]) if "district" not in self.errors else None
        status = data["status"] if "status" not in self.errors else ""
        text = self.cleaned_data.get("q", "") if "q" not in self.errors else ""
        since, until = self._period(text)
        return {"category": category, "district": district, "status": status, "text": text, "since": since,
                "until": until}  # fmt: skip

    def _period(self, text):
        """(since, until) Seoul days: the valid dates, reversed ones dropped; bounded when
        searching words."""
        since = self.cleaned_data.get("since") if "since" not in self.errors else None
        until = self.cleaned_data.get("until") if "until" not in self.errors else None
        if since and until and since > until:
            since = until = None
        if text:
            until = until or timezone.localdate()
            if since is None:
                since = _days_before(until, TEXT_DEFAULT_DAYS - 1)
            since = max(since, _days_before(until, TEXT_MAX_DAYS - 1))
        return since, until

    def query(self) -> dict:
        """The valid filters as a query string's parameters (for paging links and the map data)."""
        filters = self.filters()
        query = {}
        if filters["category"] is not None:
            query["category"] = filters["category"].service_code
        if filters["district"] is not None:
            query["district"] = filters["district"].code
        if filters["status"]:
            query["status"] = filters["status"]
        if filters["text"]:
            query["q"] = filters["text"]
        for name in ("since", "until"):
            if filters[name] is not None:
                query[name] = filters[name].isoformat()
        return query

    def problems(self) -> list[str]:
        self.is_valid()
        messages = {
            "category": _("There is no such category; showing every category."),
            "district": _("There is no such district; showing every district."),
            "status": _("There is no such state; showing every state."),
            "q": _("Search for at most %(max)d characters of words; showing every complaint.") % {"max": TEXT_MAX_LENGTH},
            "since": _("The first day is not a date (YYYY-MM-DD); it was left out."),
            "until": _("The last day is not a date (YYYY-MM-DD); it was left out."),
        }
        problems = [str(messages[name]) for name in self.fields if name in self.errors]
        since, until = self.cleaned_data.get("since"), self.cleaned_data.get("until")
        if since and until and since > until:
            problems.append(str(_("The first day is after the last day; the dates were left out.")))
        text = self.cleaned_data.get("q")
        if text and since and ((until or timezone.localdate()) - since).days >= TEXT_MAX_DAYS:
            problems.append(str(_("Words are searched in at most %(days)d days: showing the last %(days)d days of the "
                                  "period.") % {"days": TEXT_MAX_DAYS}))  # fmt: skip
        return problems

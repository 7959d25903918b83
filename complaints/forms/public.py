"""The filters of the public list and map: category, district and state, all optional. A value
that is not one of the choices is reported and left out (the page still shows)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from citizens.models import District

from ..selectors import STATUS_GROUPS, filter_categories

STATUS_LABELS = {"open": _("Open"), "answered": _("Answered"), "closed": _("Closed")}


class ComplaintFilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    status = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Every state"))] + [(key, STATUS_LABELS[key]) for key in STATUS_GROUPS],
    )

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
        return {"category": category, "district": district, "status": status}

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
        return query

    def problems(self) -> list[str]:
        self.is_valid()
        messages = {
            "category": _("There is no such category; showing every category."),
            "district": _("There is no such district; showing every district."),
            "status": _("There is no such state; showing every state."),
        }
        return [str(messages[name]) for name in self.fields if name in self.errors]

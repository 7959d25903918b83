"""Forms of the review workspace. They check the input; the services check the item's state."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import AgendaItem, ConflictDeclaration, Review
from ..services.reviews import review_score_error


class ReviewForm(forms.ModelForm):
    """A member's review. The score field is shown only when the item asks for one; a score sent
    for an item that does not ask, or outside its range, is an error on the field."""

    class Meta:
        model = Review
        fields = ["recommendation", "score", "opinion"]
        widgets = {
            "recommendation": forms.RadioSelect,
            "opinion": forms.Textarea(attrs={"rows": 6}),
        }
        error_messages = {
            "recommendation": {"required": _("Choose a recommendation.")},
            "opinion": {"required": _("Write your opinion.")},
        }

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["recommendation"].choices = Review.Recommendation.choices  # no empty "---------"
        score = self.fields["score"]
        if item.asks_score:
            score.widget.attrs.update({"min": item.score_min, "max": item.score_max, "inputmode": "numeric"})
            score.help_text = _("From %(low)d to %(high)d. Leave it empty when you abstain.") % {
                "low": item.score_min, "high": item.score_max,
            }
        score.error_messages["invalid"] = _("Enter the score as a whole number.")

    def clean(self):
        cleaned = super().clean()
        if "score" in cleaned and "recommendation" in cleaned:
            problem = review_score_error(self.item, cleaned["recommendation"], cleaned["score"])
            if problem:
                self.add_error("score", problem)
        return cleaned


class ConflictForm(forms.ModelForm):
    class Meta:
        model = ConflictDeclaration
        fields = ["reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 4})}
        labels = {"reason": _("What is the conflict of interest?")}
        help_texts = {
            "reason": _("For example: you advised the proposer, or you work for the organisation that would carry "
                        "out the project. Your existing review of this item will be withdrawn.")
        }
        error_messages = {"reason": {"required": _("Say briefly what the conflict of interest is.")}}


class CloseForm(forms.Form):
    """The committee's resolution on an item (a plain form: the item changes only through
    agenda_item_close, never by saving a ModelForm)."""

    outcome = forms.ChoiceField(
        label=_("Decision"), choices=AgendaItem.Outcome.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose the committee's decision.")},
    )
    resolution_ko = forms.CharField(
        label=_("Resolution (Korean)"), widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write the resolution in Korean.")},
    )
    resolution_en = forms.CharField(label=_("Resolution (English)"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 5}))
    votes_for = forms.IntegerField(label=_("Votes for"), required=False, min_value=0, max_value=999)
    votes_against = forms.IntegerField(label=_("Votes against"), required=False, min_value=0, max_value=999)
    votes_abstain = forms.IntegerField(label=_("Abstentions"), required=False, min_value=0, max_value=999)

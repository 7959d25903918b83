"""The vote form of a poll's page: what a ballot POST sends, read back into option positions for
ballot_cast (which checks them: unknown, duplicated, too many), and the voter's picks to show
again when the ballot is refused.

The form is written out by templates/voting/partials/vote_form.html, without JavaScript:
- single choice: radio buttons `choices`;
- multiple choice: checkboxes `choices` (repeated);
- ranked choice: one select per rank, `rank_1` … `rank_<n>` (n: the most options a voter may
  rank), each holding an option position or nothing.
"""

import re

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from ..errors import VotingError
from ..models import Poll

RANK_FIELD = re.compile(r"^rank_(\d{1,3})$")


class BallotForm:
    def __init__(self, poll: Poll, data=None):
        self.poll = poll
        self.data = data
        self.error = ""

    @property
    def options(self):
        return self.poll.options.all()  # prefetched by the selectors

    @property
    def question_type(self):
        return self.poll.question_type

    @property
    def rank_count(self) -> int:
        """How many ranks the form offers: the poll's maximum, at most one per option."""
        return min(self.poll.max_choices, len(self.options))

    def submitted_choices(self) -> list[str]:
        """The picks as sent, best first for ranked choice. Raises VotingError for a ranked form
        filled with a gap or with ranks the form does not have (a changed form)."""
        data = self.data if self.data is not None else QueryDict()
        if not self.poll.is_ranked:
            return [value for value in data.getlist("choices") if value.strip()]
        for key, value in data.items():
            match = RANK_FIELD.match(key)
            if match and value.strip() and not 1 <= int(match.group(1)) <= self.rank_count:
                raise VotingError(_("The form was changed: an option it sent does not exist."), field="choices")
        picks, gap_at = [], None
        for number in range(1, self.rank_count + 1):
            value = data.get(f"rank_{number}", "").strip()
            if not value:
                gap_at = gap_at or number
            elif gap_at:
                raise VotingError(
                    _("Fill the ranks in order: rank %(number)d is empty.") % {"number": gap_at}, field="choices"
                )
            else:
                picks.append(value)
        return picks

    # --- Showing the form again -------------------------------------------------------------

    @property
    def picked(self) -> set[str]:
        """The option positions the voter ticked (as strings), to tick them again."""
        if not self.data or self.poll.is_ranked:
            return set()
        return set(self.data.getlist("choices"))

    @property
    def ranks(self) -> list[tuple[int, str]]:
        """(rank number, the position chosen for it or "") for each select of a ranked form."""
        data = self.data if self.data is not None else QueryDict()
        return [(number, data.get(f"rank_{number}", "")) for number in range(1, self.rank_count + 1)]

    def add_refusal(self, refusal: VotingError):
        self.error = refusal.message

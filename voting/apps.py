from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("M-Voting")

    def ready(self):
        from audit.recounts import register_recount

        from .back_office import register_back_office
        from .my_seoul import register_my_seoul_panel
        from .poll_cache import connect_signals
        from .recount import SCOPE_PREFIX, poll_commitments, poll_count_problems, poll_scopes

        register_recount(SCOPE_PREFIX, poll_commitments, scopes=poll_scopes, check=poll_count_problems)
        register_my_seoul_panel()
        # The permission predicates, the notification kinds and the personal-data handler.
        register_back_office()
        # A poll's cached ballot snapshot is forgotten whenever the poll or its options change.
        connect_signals()
        # A closed poll's cached results name the districts: a district's change forgets them all.
        from .selectors.results_cache import connect_signals as connect_results_signals

        connect_results_signals()
        from .open_data import register_open_data

        register_open_data()

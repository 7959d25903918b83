"""The officials' back office of participatory budgeting, one module per concept."""

from . import ballots, cycles, implementation, monitoring, projects  # noqa: F401 -- registers the ModelAdmins

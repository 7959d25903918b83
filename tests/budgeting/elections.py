"""The real elections vendored from Pabulib (see pabulib/README.md), each parsed once per test run."""

from functools import cache
from pathlib import Path

from budgeting.pabulib import Election, read_pabulib
from budgeting.tally import Instance

PABULIB_DIR = Path(__file__).parent / "pabulib"
FILES = sorted(path.name for path in PABULIB_DIR.glob("*.pb"))

ASSEN = "Netherlands_Assen_2024.pb"
GDANSK = "Poland_Gdansk_2020_Olszynka.pb"
SWIECIE = "Poland_Swiecie_2023.pb"
WARSZAWA = "Poland_Warszawa_2026.pb"
WIELICZKA = "Poland_Wieliczka_2023_Green_Budget.pb"
ZABRZE = "Poland_Zabrze_2021.pb"
STANFORD = "US_Stanford_Dataset_Merced_Peoples_Budget_Ballot_2019_vote_rankings.pb"


@cache
def election(name: str) -> Election:
    return read_pabulib(PABULIB_DIR / name)


@cache
def instance(name: str) -> Instance:
    return Instance.from_election(election(name))


def official_outcome(name: str) -> set[str]:
    return {project.project_id for project in election(name).projects.values() if project.selected == 1}

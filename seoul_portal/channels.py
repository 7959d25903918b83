"""The five participation channels as the site shell shows them (header, home page)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Channel:
    slug: str
    url_name: str
    name: str
    summary: str


CHANNELS = (
    Channel(
        "proposals",
        "proposals:index",
        _("Democratic Seoul"),
        _("Propose policy to the city and gather support: 50 supports bring an answer from the "
          "department, 100 open a public debate, 1,000 debate participants an answer from the Mayor."),
    ),
    Channel(
        "voting",
        "voting:index",
        _("M-Voting"),
        _("Vote in city policy polls and citizens' polls from your phone: one verified person, one vote."),
    ),
    Channel(
        "budgeting",
        "budgeting:index",
        _("Participatory budgeting"),
        _("Propose projects for the city's yearly participatory budget and vote on how it is spent."),
    ),
    Channel(
        "complaints",
        "complaints:index",
        _("Civil complaints"),
        _("File a complaint or suggestion, follow it to its answer within the legal time limit."),
    ),
    Channel(
        "governance",
        "governance:index",
        _("Committees and records"),
        _("The city's smart-city bodies and expert committees: members, meetings, minutes and opinions."),
    ),
)


def channel_by_slug(slug):
    return next(channel for channel in CHANNELS if channel.slug == slug)

"""What the analysis of complaints reads instead of the complaints themselves (issue 8).

Seoul's ~10 M complaints cannot be scanned on every page view, so the dashboards read rollups:
small tables of counts per day (and per month) × category × district × channel × unit, kept
current incrementally by Celery beat and rebuilt from scratch by `manage.py complaints_rollup
--rebuild` (services/rollups.py). None of them holds personal data: they are counts.

A rollup row mixes two kinds of figure, both for its dimensions:
- flows on its day: complaints received that day (`received`) and finished that day (`finished`),
  which give the volume and the backlog (open complaints at the end of each day);
- the cohort of the complaints received that day, as they stand at the last refresh: how many are
  handled (answered, closed or rejected) and how many of those on time, how many are still open
  and how many of those overdue, how long their answers took (a histogram of whole days from
  receipt to the finishing answer, `days_<n>` for exactly n days up to two weeks, then up to 21, 30
  and 60 days, `days_more` beyond), their ratings and the requests for an additional answer.

The on-time rate is handled_on_time ÷ (handled + open_overdue): a complaint still open past its
deadline counts against the rate at once, so recent weeks do not read 100 %.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .complaints import Channel

# Upper bounds (whole days from receipt to answer) of the duration histogram's buckets; a bucket
# holds the complaints answered in more days than the previous bound and at most its own.
DURATION_BOUNDS = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 21, 30, 60)
DURATION_FIELDS = tuple(f"days_{bound}" for bound in DURATION_BOUNDS) + ("days_more",)
RATING_FIELDS = tuple(f"rating_{stars}" for stars in range(1, 6))
# What a rollup row counts, summed by every dashboard query.
COUNT_FIELDS = (
    "received", "finished", "handled", "handled_on_time", "open_now", "open_overdue", "duplicates",
    "reopened", *RATING_FIELDS, *DURATION_FIELDS,
)  # fmt: skip


class RollupDimensions(models.Model):
    """The dimensions every rollup row is counted by; null means "none" (an uncategorised complaint
    waiting in triage, one without a location or not yet routed to a unit)."""

    category = models.ForeignKey("complaints.Category", verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+")  # fmt: skip
    district = models.ForeignKey("citizens.District", verbose_name=_("district"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+")  # fmt: skip
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    unit = models.ForeignKey("governance.OrgUnit", verbose_name=_("unit"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")  # fmt: skip
    received = models.PositiveIntegerField(_("received"), default=0)
    finished = models.PositiveIntegerField(_("finished"), default=0)
    handled = models.PositiveIntegerField(_("handled (answered, closed or rejected)"), default=0)
    handled_on_time = models.PositiveIntegerField(_("handled on time"), default=0)
    open_now = models.PositiveIntegerField(_("still open"), default=0)
    open_overdue = models.PositiveIntegerField(_("open and overdue"), default=0)
    duplicates = models.PositiveIntegerField(_("merged as duplicates"), default=0)
    reopened = models.PositiveIntegerField(_("additional answers requested"), default=0)

    class Meta:
        abstract = True


def _rated(stars):
    return lazy(lambda: gettext("rated %(stars)d") % {"stars": stars}, str)()


def _answered_in(days):
    return lazy(lambda: gettext("answered in %(days)d days") % {"days": days}, str)()


for _stars in range(1, 6):
    RollupDimensions.add_to_class(f"rating_{_stars}", models.PositiveIntegerField(_rated(_stars), default=0))
for _bound in DURATION_BOUNDS:
    RollupDimensions.add_to_class(f"days_{_bound}", models.PositiveIntegerField(_answered_in(_bound), default=0))
RollupDimensions.add_to_class("days_more", models.PositiveIntegerField(_("answered in more than 60 days"), default=0))


class DailyRollup(RollupDimensions):
    """Counts of one Seoul day (received and finished that day; the cohort received that day)."""

    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("daily rollup")
        verbose_name_plural = _("daily rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "category", "district", "channel", "unit"], name="daily_rollup_once",
                nulls_distinct=False,
            ),  # fmt: skip
        ]
        indexes = [models.Index(fields=["day"], name="daily_rollup_day")]

    def __str__(self):
        return f"{self.day} {self.category_id}/{self.district_id}/{self.channel}/{self.unit_id}"


class MonthlyRollup(RollupDimensions):
    """The daily rollups of one month summed (`month` is its first day): what long periods read."""

    month = models.DateField(_("month"))

    class Meta:
        verbose_name = _("monthly rollup")
        verbose_name_plural = _("monthly rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "category", "district", "channel", "unit"], name="monthly_rollup_once",
                nulls_distinct=False,
            ),  # fmt: skip
            models.CheckConstraint(name="monthly_rollup_first_day", condition=Q(month__day=1)),
        ]
        indexes = [models.Index(fields=["month"], name="monthly_rollup_month")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.category_id}/{self.district_id}/{self.channel}/{self.unit_id}"


class CellRollup(models.Model):
    """Complaints with a location received in one week (`week` is its Monday, Seoul time) in one
    cell of the density map's grid (services/cells.py), per category and district."""

    week = models.DateField(_("week"))
    cell = models.PositiveIntegerField(_("cell"))
    category = models.ForeignKey("complaints.Category", verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+")  # fmt: skip
    district = models.ForeignKey("citizens.District", verbose_name=_("district"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+")  # fmt: skip
    count = models.PositiveIntegerField(_("complaints"), default=0)

    class Meta:
        verbose_name = _("map cell rollup")
        verbose_name_plural = _("map cell rollups")
        constraints = [
            models.UniqueConstraint(fields=["week", "cell", "category", "district"], name="cell_rollup_once",
                                    nulls_distinct=False),  # fmt: skip
            models.CheckConstraint(name="cell_rollup_week_is_monday", condition=Q(week__week_day=2)),
        ]
        indexes = [models.Index(fields=["week", "cell"], name="cell_rollup_week")]

    def __str__(self):
        return f"{self.week} cell {self.cell}: {self.count}"


class TermCount(models.Model):
    """How many complaints received on a Seoul day used a term (a noun or compound noun of Korean
    text, a word of English text), per category: what the trending terms compare."""

    day = models.DateField(_("day"))
    term = models.CharField(_("term"), max_length=60)
    category = models.ForeignKey("complaints.Category", verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+")  # fmt: skip
    count = models.PositiveIntegerField(_("complaints"), default=0)

    class Meta:
        verbose_name = _("term count")
        verbose_name_plural = _("term counts")
        constraints = [
            models.UniqueConstraint(fields=["day", "term", "category"], name="term_count_once", nulls_distinct=False),
        ]
        indexes = [models.Index(fields=["day", "term"], name="term_count_day")]

    def __str__(self):
        return f"{self.day} {self.term}: {self.count}"


class Trend(models.Model):
    """A term rising this week against the previous four, as last computed
    (services/text_analysis.py); the pages read the latest computation instead of summing term
    counts. Each computation writes two rankings: the public one (only terms at least three
    people used in public complaints) and the officials' one (every complaint's terms)."""

    class Audience(models.TextChoices):
        PUBLIC = "public", _("the public")
        OFFICIALS = "officials", _("officials only")

    audience = models.CharField(_("shown to"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    week_start = models.DateField(_("week from"))
    category = models.ForeignKey("complaints.Category", verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+")  # fmt: skip
    term = models.CharField(_("term"), max_length=60)
    this_week = models.PositiveIntegerField(_("this week"))
    baseline = models.FloatField(_("weekly average of the previous four weeks"))
    score = models.FloatField(_("rise"))
    rank = models.PositiveSmallIntegerField(_("rank"))

    class Meta:
        ordering = ["audience", "category", "rank"]
        verbose_name = _("trending term")
        verbose_name_plural = _("trending terms")
        constraints = [
            models.UniqueConstraint(fields=["audience", "category", "rank"], name="trend_rank_once",
                                    nulls_distinct=False),  # fmt: skip
            models.UniqueConstraint(fields=["audience", "category", "term"], name="trend_term_once",
                                    nulls_distinct=False),  # fmt: skip
        ]

    def __str__(self):
        return f"#{self.rank} {self.term}"


class TrendStopWord(models.Model):
    """A word officials keep out of the trending terms (besides the built-in list)."""

    word = models.CharField(_("word"), max_length=60, unique=True)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["word"]
        verbose_name = _("trend stop word")
        verbose_name_plural = _("trend stop words")

    def __str__(self):
        return self.word


class EmergencyKeyword(models.Model):
    """A phrase (싱크홀, 가스 냄새, 붕괴) that makes a new complaint an emergency: the unit on duty
    for it is alerted through the outbox as the complaint is filed."""

    phrase = models.CharField(_("phrase"), max_length=60, unique=True)
    unit = models.ForeignKey("governance.OrgUnit", verbose_name=_("unit on duty"), on_delete=models.PROTECT,
                             related_name="+")  # fmt: skip
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["phrase"]
        verbose_name = _("emergency keyword")
        verbose_name_plural = _("emergency keywords")
        constraints = [models.CheckConstraint(name="emergency_keyword_not_blank", condition=~Q(phrase=""))]

    def __str__(self):
        return self.phrase


class EmergencyAlert(models.Model):
    """A complaint that matched an emergency keyword, and who on duty acknowledged it."""

    complaint = models.ForeignKey("complaints.Complaint", verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="emergency_alerts")  # fmt: skip
    keyword = models.ForeignKey(EmergencyKeyword, verbose_name=_("keyword"), on_delete=models.CASCADE,
                                related_name="alerts")  # fmt: skip
    unit = models.ForeignKey("governance.OrgUnit", verbose_name=_("unit on duty"), on_delete=models.PROTECT,
                             related_name="+")  # fmt: skip
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey("citizens.Citizen", verbose_name=_("acknowledged by"), null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")  # fmt: skip

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("emergency alert")
        verbose_name_plural = _("emergency alerts")
        constraints = [
            models.UniqueConstraint(fields=["complaint", "keyword"], name="emergency_alert_once"),
            models.CheckConstraint(
                name="emergency_alert_acknowledged_by_someone",
                condition=Q(acknowledged_at__isnull=True) | Q(acknowledged_by__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "-raised_at"], name="emergency_alert_unit",
                         condition=Q(acknowledged_at__isnull=True)),  # fmt: skip
        ]

    def __str__(self):
        return f"{self.keyword} → {self.complaint_id}"


class RollupState(models.Model):
    """How far the incremental refresh of one kind of rollup has come (`name`: "counts", "cells",
    "terms"): complaints changed after `watermark` are not counted yet."""

    name = models.CharField(_("name"), max_length=20, primary_key=True)
    watermark = models.DateTimeField(_("counted up to"))
    rebuilt_at = models.DateTimeField(_("last rebuilt at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rollup state")
        verbose_name_plural = _("rollup states")

    def __str__(self):
        return f"{self.name}: {self.watermark:%Y-%m-%d %H:%M}"

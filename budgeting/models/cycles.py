"""A participatory-budgeting cycle: its phases, pots, sectors and the rules of its vote.

Every date, pot, cap and weight is data an official sets in the admin. Once the citizen vote opens
the rules that decide the outcome (the ballot's kind and picks, the pots, the eligibility and the
selection rule with its weights) are frozen: services and the admin refuse to change them
(`Cycle.rules_frozen`).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.models.bilingual import Bilingual, bilingual_field


class PhaseKind(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal call")
    FEASIBILITY = "feasibility", _("Feasibility check")
    DELIBERATION = "deliberation", _("Committee deliberation")
    # In context: M-Voting's "Citizen vote" is a poll citizens run (우리끼리투표), not this phase.
    VOTE = "vote", pgettext_lazy("budget phase", "Citizen vote")
    ASSEMBLY = "assembly", _("General assembly")
    COUNCIL = "council", _("Council approval")
    IMPLEMENTATION = "implementation", _("Implementation")


# The order of a cycle; a phase may not start before the one above it ends.
PHASE_ORDER = [kind for kind, _label in PhaseKind.choices]


class Cycle(Bilingual, models.Model):
    class BallotKind(models.TextChoices):
        APPROVAL = "approval", _("Approval: up to k projects per pot")
        KNAPSACK = "knapsack", _("Knapsack: projects whose total cost fits the pot")

    class Rule(models.TextChoices):
        SEOUL_WEIGHTED = "seoul-weighted", _("Weighted final score (votes, committee, budget school, proposers)")
        GREEDY = "greedy", _("Greedy by votes")
        GREEDY_THRESHOLD = "greedy-threshold", _("Greedy by votes above a minimum")
        MES = "mes", _("Method of Equal Shares (add1 completion)")
        MES_COMPARISON = "mes-comparison", _("Method of Equal Shares with the comparison step")

    class CouncilDecision(models.TextChoices):
        NONE = "", _("Not decided")
        APPROVED = "approved", _("Approved as confirmed")
        AMENDED = "amended", _("Approved with amendments")
        REJECTED = "rejected", _("Rejected")

    year = models.PositiveSmallIntegerField(_("year"))
    title_ko = models.CharField(_("title (Korean)"), max_length=150)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True, default="")
    description_ko = models.TextField(_("description (Korean)"), blank=True, default="")
    description_en = models.TextField(_("description (English)"), blank=True, default="")
    org_unit = models.ForeignKey(
        "governance.OrgUnit", verbose_name=_("responsible unit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    committee = models.ForeignKey(
        "governance.Committee", verbose_name=_("participatory budget committee"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    ballot_kind = models.CharField(_("ballot"), max_length=10, choices=BallotKind.choices, default=BallotKind.APPROVAL)
    max_picks = models.PositiveSmallIntegerField(_("picks per pot (approval ballots)"), default=5)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age to vote and propose"), default=14)
    accepts_residents = models.BooleanField(_("residents of Seoul may take part"), default=True)
    accepts_workers = models.BooleanField(_("people working in Seoul may take part"), default=True)
    accepts_students = models.BooleanField(_("students at Seoul schools may take part"), default=True)
    selection_rule = models.CharField(_("selection rule"), max_length=20, choices=Rule.choices, default=Rule.SEOUL_WEIGHTED)
    # Percentages of the weighted final score (Seoul 2019: 50 / 30 / 10 / 10); they sum to 100.
    weight_votes = models.PositiveSmallIntegerField(_("weight of citizen votes (%)"), default=50)
    weight_committee = models.PositiveSmallIntegerField(_("weight of the committee score (%)"), default=30)
    weight_school = models.PositiveSmallIntegerField(_("weight of the budget school (%)"), default=10)
    weight_proposers = models.PositiveSmallIntegerField(_("weight of the proposers' vote (%)"), default=10)
    min_project_votes = models.PositiveIntegerField(_("minimum votes (greedy with threshold)"), null=True, blank=True)
    # An imported pabulib election: read-only, for simulation.
    is_simulation = models.BooleanField(_("simulation (imported, read-only)"), default=False, editable=False)
    source_name = models.CharField(_("source file"), max_length=200, blank=True, default="", editable=False)
    source_meta = models.JSONField(_("source META"), default=dict, blank=True, editable=False)
    results_published_at = models.DateTimeField(_("results published at"), null=True, blank=True, editable=False)
    assembly_confirmed_at = models.DateTimeField(_("confirmed by the general assembly at"), null=True, blank=True,
                                                 editable=False)
    assembly_note = models.TextField(_("general assembly's note"), blank=True, default="", editable=False)
    council_decision = models.CharField(_("council decision"), max_length=10, choices=CouncilDecision.choices,
                                        blank=True, default="", editable=False)
    council_decided_at = models.DateTimeField(_("council decided at"), null=True, blank=True, editable=False)
    council_note = models.TextField(_("council's note"), blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    title = bilingual_field("title")
    description = bilingual_field("description")

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("budget cycle")
        verbose_name_plural = _("budget cycles")
        constraints = [
            models.UniqueConstraint(fields=["year"], condition=Q(is_simulation=False), name="cycle_one_per_year",
                                    violation_error_message=_("There is already a cycle for that year.")),
            models.CheckConstraint(
                name="cycle_weights_sum_to_100",
                condition=Q(weight_votes__lte=100, weight_committee__lte=100, weight_school__lte=100,
                            weight_proposers__lte=100)
                & Q(weight_votes=100 - models.F("weight_committee") - models.F("weight_school")
                    - models.F("weight_proposers")),
            ),
            models.CheckConstraint(name="cycle_picks_positive", condition=Q(max_picks__gte=1),
                                   violation_error_message=_("A ballot allows at least one pick per pot.")),
            models.CheckConstraint(
                name="cycle_accepts_someone",
                condition=Q(accepts_residents=True) | Q(accepts_workers=True) | Q(accepts_students=True),
                violation_error_message=_("Let at least residents, workers or students take part."),
            ),
            models.CheckConstraint(
                name="cycle_council_decision_dated",
                condition=Q(council_decision="", council_decided_at__isnull=True)
                | (~Q(council_decision="") & Q(council_decided_at__isnull=False)),
            ),
        ]

    def __str__(self):
        return self.title_ko

    @property
    def ledger_scope(self) -> str:
        return f"budgeting.cycle:{self.pk}"

    def phase_at(self, now=None, phases=None):
        """The phase running at `now` (None between phases, before the first or after the last)."""
        now = now or timezone.now()
        for phase in self.phases.all() if phases is None else phases:
            if phase.starts_at <= now < phase.ends_at:
                return phase
        return None

    def vote_phase(self, phases=None):
        for phase in self.phases.all() if phases is None else phases:
            if phase.kind == PhaseKind.VOTE:
                return phase
        return None

    def rules_frozen(self, now=None, phases=None) -> bool:
        """True once the citizen vote has opened (and always for an imported cycle)."""
        if self.is_simulation:
            return True
        vote = self.vote_phase(phases)
        return vote is not None and vote.starts_at <= (now or timezone.now())


class Phase(models.Model):
    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("phase"), max_length=16, choices=PhaseKind.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        ordering = ["cycle", "starts_at"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kind"], name="phase_once_per_cycle",
                                    violation_error_message=_("Each phase can appear only once in a cycle.")),
            models.CheckConstraint(name="phase_ends_after_start", condition=Q(ends_at__gt=models.F("starts_at")),
                                   violation_error_message=_("A phase must end after it starts.")),
            models.CheckConstraint(name="phase_kind_valid", condition=Q(kind__in=PHASE_ORDER)),
        ]

    def __str__(self):
        return f"{self.cycle_id}:{self.kind}"

    @property
    def position(self) -> int:
        return PHASE_ORDER.index(self.kind)


class Pot(Bilingual, models.Model):
    """The money of one cycle for the whole city (district empty) or for one district."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="pots")
    district = models.ForeignKey(
        "citizens.District", verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    name_ko = models.CharField(_("name (Korean)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True, default="")
    total = models.PositiveBigIntegerField(_("total (KRW)"))
    project_cap = models.PositiveBigIntegerField(_("maximum per project (KRW)"))
    # The pabulib unit or subunit of an imported election.
    external_id = models.CharField(_("source id"), max_length=100, blank=True, default="", editable=False)

    name = bilingual_field("name")

    class Meta:
        ordering = ["cycle", "district_id"]
        verbose_name = _("pot")
        verbose_name_plural = _("pots")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "district"], name="pot_one_per_district",
                                    violation_error_message=_("A district has at most one pot in a cycle.")),
            models.UniqueConstraint(fields=["cycle"], condition=Q(district__isnull=True), name="pot_one_city_wide",
                                    violation_error_message=_("A cycle has one city-wide pot.")),
            models.CheckConstraint(name="pot_total_positive", condition=Q(total__gt=0),
                                   violation_error_message=_("A pot holds more than 0 won.")),
            models.CheckConstraint(
                name="pot_cap_within_total", condition=Q(project_cap__gt=0, project_cap__lte=models.F("total")),
                violation_error_message=_("A project's maximum is more than 0 won and no more than the pot's total."),
            ),
        ]

    def __str__(self):
        return self.name_ko

    @property
    def is_city_wide(self) -> bool:
        return self.district_id is None


class Sector(Bilingual, models.Model):
    """A policy field of the cycle (welfare, environment, ...), deliberated by a subcommittee."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="sectors")
    slug = models.SlugField(_("slug"), max_length=40)
    name_ko = models.CharField(_("name (Korean)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True, default="")
    subcommittee = models.ForeignKey(
        "governance.Committee", verbose_name=_("subcommittee"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    name = bilingual_field("name")

    class Meta:
        ordering = ["cycle", "name_ko"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "slug"], name="sector_slug_per_cycle",
                                    violation_error_message=_("Two sectors of a cycle cannot share a slug.")),
        ]

    def __str__(self):
        return self.name_ko


class EligibilityDeclaration(models.Model):
    """What a citizen declared to take part in a cycle (the ordinance's bases); audited."""

    class Basis(models.TextChoices):
        RESIDENT = "resident", _("I live in Seoul")
        WORKER = "worker", _("I work in Seoul")
        STUDENT = "student", _("I study at a school in Seoul")

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="declarations")
    citizen = models.ForeignKey(
        "citizens.Citizen", verbose_name=_("citizen"), on_delete=models.CASCADE, related_name="+"
    )
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices)
    district = models.ForeignKey(
        "citizens.District", verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    # The workplace or school, for those who do not live in Seoul.
    place = models.CharField(_("workplace or school"), max_length=100, blank=True, default="")
    not_public_official = models.BooleanField(_("I am not a public official"))
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)

    class Meta:
        verbose_name = _("eligibility declaration")
        verbose_name_plural = _("eligibility declarations")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "citizen"], name="declaration_one_per_cycle"),
            models.CheckConstraint(name="declaration_not_official", condition=Q(not_public_official=True)),
            models.CheckConstraint(name="declaration_basis_valid",
                                   condition=Q(basis__in=["resident", "worker", "student"])),
            models.CheckConstraint(name="declaration_place_named", condition=Q(basis="resident") | ~Q(place="")),
        ]

    def __str__(self):
        return f"{self.cycle_id}:{self.citizen_id}:{self.basis}"

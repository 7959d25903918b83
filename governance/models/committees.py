from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .bilingual import Bilingual, bilingual_field


class Committee(Bilingual, models.Model):
    """A body of public experts or drawn citizens, with its legal basis and its rules on size and terms."""

    class Kind(models.TextChoices):
        SMART_CITY = "smart_city", _("Smart City Committee")
        BUDGET = "budget", _("Participatory Budget Committee")
        SUBCOMMITTEE = "subcommittee", _("Subcommittee")
        CITIZEN_PANEL = "citizen_panel", _("Citizen panel")
        OTHER = "other", _("Other committee")

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent committee"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="subcommittees",
    )
    secretariat = models.ForeignKey(
        "governance.OrgUnit", verbose_name=_("secretariat"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="committees",
    )
    name_ko = models.CharField(_("Korean name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150)
    legal_basis_ko = models.CharField(_("legal basis (Korean)"), max_length=200, blank=True, default="")
    legal_basis_en = models.CharField(_("legal basis (English)"), max_length=250, blank=True, default="")
    mandate_ko = models.TextField(_("mandate (Korean)"), blank=True, default="")
    mandate_en = models.TextField(_("mandate (English)"), blank=True, default="")
    max_members = models.PositiveSmallIntegerField(_("maximum members"))
    max_ex_officio = models.PositiveSmallIntegerField(_("maximum ex officio members"), default=0)
    term_years = models.PositiveSmallIntegerField(_("term (years)"), default=2)
    max_terms = models.PositiveSmallIntegerField(_("maximum consecutive terms"), default=2)
    min_meetings_per_year = models.PositiveSmallIntegerField(_("minimum meetings a year"), default=1)
    quorum_ratio = models.DecimalField(
        _("quorum (share of members present)"), max_digits=3, decimal_places=2, default=0.5
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Citizens may volunteer and seats are filled by the stratified lottery (governance.lottery).
    accepts_volunteers = models.BooleanField(_("seats drawn by lot from volunteers"), default=False)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        constraints = [
            models.CheckConstraint(
                name="committee_ex_officio_within_size", condition=Q(max_ex_officio__lte=models.F("max_members"))
            ),
            models.CheckConstraint(name="committee_terms_positive", condition=Q(term_years__gte=1, max_terms__gte=1)),
            models.CheckConstraint(
                name="committee_quorum_ratio_range", condition=Q(quorum_ratio__gt=0, quorum_ratio__lte=1)
            ),
        ]

    def __str__(self):
        return self.name

    name = bilingual_field("name")
    mandate = bilingual_field("mandate")
    legal_basis = bilingual_field("legal_basis")


class Membership(Bilingual, models.Model):
    """One term of one person on one committee. A renewal is a new row (term_number + 1)."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice-chair")
        SECRETARY = "secretary", _("Secretary")
        MEMBER = "member", _("Member")

    class Kind(models.TextChoices):
        EX_OFFICIO = "ex_officio", _("Ex officio")
        COMMISSIONED = "commissioned", _("Commissioned")
        DRAWN = "drawn", _("Citizen drawn by lot")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Serving")
        ENDED = "ended", _("Ended")

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.PROTECT,
                                  related_name="memberships")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="committee_memberships")
    # Shown publicly (members are public office holders); the account's own contact data never is.
    public_name = models.CharField(_("public name"), max_length=60)
    affiliation_ko = models.CharField(_("affiliation (Korean)"), max_length=120, blank=True, default="")
    affiliation_en = models.CharField(_("affiliation (English)"), max_length=160, blank=True, default="")
    expertise_ko = models.CharField(_("expertise (Korean)"), max_length=120, blank=True, default="")
    expertise_en = models.CharField(_("expertise (English)"), max_length=160, blank=True, default="")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    term_number = models.PositiveSmallIntegerField(_("term number"), default=1)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        ordering = ["committee", "role", "public_name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["committee"], condition=Q(role="chair", status="active"), name="membership_one_active_chair"
            ),
            models.UniqueConstraint(
                fields=["committee", "person"], condition=Q(status="active"), name="membership_one_active_per_person"
            ),
            # term_number counts consecutive terms only, so it may start again at 1 after a long break.
            models.UniqueConstraint(fields=["committee", "person", "term_start"], name="membership_term_start_once"),
            models.CheckConstraint(name="membership_term_number_positive", condition=Q(term_number__gte=1)),
            models.CheckConstraint(name="membership_term_ends_after_start", condition=Q(term_end__gt=models.F("term_start"))),
            models.CheckConstraint(
                name="membership_ended_has_date", condition=Q(status="active", ended_on__isnull=True)
                | Q(status="ended", ended_on__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.public_name} ({self.committee})"

    affiliation = bilingual_field("affiliation")
    expertise = bilingual_field("expertise")


class Volunteer(models.Model):
    """A citizen who offered to serve on a committee drawn by lot, with the strata the draw uses.

    The strata are copied from the citizen's profile when they volunteer, so that a published draw
    can be re-run on exactly the pool it used.
    """

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    class AgeBand(models.TextChoices):
        # The codes are what a published draw lists; governance.lottery.AGE_BANDS holds the same.
        YOUNG = "10-29", _("Teens and twenties")
        MIDDLE = "30-49", _("Thirties and forties")
        SENIOR = "50+", _("Fifty and over")

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.PROTECT,
                                  related_name="volunteers")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="committee_volunteering")
    district_code = models.CharField(_("district code"), max_length=5)
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    vulnerable = models.BooleanField(_("in a vulnerable group"), default=False)
    volunteered_at = models.DateTimeField(_("volunteered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [
            models.UniqueConstraint(fields=["committee", "person"], name="volunteer_once_per_committee"),
            models.CheckConstraint(name="volunteer_age_band_known", condition=Q(age_band__in=["10-29", "30-49", "50+"])),
            models.CheckConstraint(name="volunteer_sex_known", condition=Q(sex__in=["female", "male"])),
        ]

    def __str__(self):
        return f"#{self.pk} {self.district_code}/{self.age_band}/{self.sex}"


class DrawRecord(models.Model):
    """A published stratified lottery: its seed, quotas and result, so that anyone can re-run it."""

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.PROTECT,
                                  related_name="draws")
    seed = models.CharField(_("seed"), max_length=128)
    seats = models.PositiveSmallIntegerField(_("seats"))
    quotas = models.JSONField(_("quotas"), default=dict)
    # The pool as it was drawn from: [{"id", "district", "age_band", "sex", "vulnerable"}, ...] (anonymous
    # volunteer ids and strata only), so that the draw can be re-run without the database.
    pool = models.JSONField(_("pool (volunteer ids and strata)"), default=list)
    algorithm = models.CharField(_("algorithm"), max_length=40, default="")
    selected = models.JSONField(_("selected (volunteer ids, in order)"), default=list)
    drawn_at = models.DateTimeField(_("drawn at"), auto_now_add=True)

    class Meta:
        ordering = ["-drawn_at"]
        verbose_name = _("draw")
        verbose_name_plural = _("draws")
        constraints = [models.UniqueConstraint(fields=["committee", "seed"], name="draw_seed_once_per_committee")]

    def __str__(self):
        return f"{self.committee} — {self.seed[:12]}"

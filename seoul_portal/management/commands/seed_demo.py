"""Demo data for a developer's embedded site. Idempotent: running it twice changes nothing."""

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from budgeting import demo as budgeting_demo
from citizens import services as citizen_services
from citizens.consents import purposes
from citizens.models import Citizen, District, email_blind_index, phone_blind_index
from citizens.phones import normalize_mobile
from complaints import demo as complaints_demo
from governance import demo as governance_demo
from proposals import demo as proposals_demo
from seoul_portal.progress import Progress
from voting import demo as voting_demo

DEMO_OFFICIAL_EMAIL = "official@demo.seoul.example"
DEMO_OFFICIAL_PASSWORD = "demo-official-2026"  # noqa: S105 — a demo account on a developer's machine
DEMO_CITIZENS = [
    # phone, birth date, district code, gender
    ("010-0000-0001", date(1988, 4, 12), "11680", "female"),
    ("010-0000-0002", date(1975, 9, 30), "11110", "male"),
    ("010-0000-0003", date(2001, 1, 5), "11440", ""),
]


class Command(BaseCommand):
    help = (
        "Load demo data (an official, citizens, the smart-city organisation and committees, Democratic Seoul, "
        "M-Voting, participatory budgeting, civil complaints); "
        "safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo writes demo accounts; it runs with DEBUG=true (or --force).")
        proposer, official = self._proposer, self._demo_official
        parts = {
            "accounts": self._accounts,
            "organisation and committees": self._organisation,
            "proposals": lambda: proposals_demo.seed(proposer=proposer(), official=official()),
            "polls": lambda: voting_demo.seed(proposer=proposer(), official=official()),
            "participatory budgeting": lambda: budgeting_demo.seed(proposer=proposer(), official=official()),
            "complaints": lambda: complaints_demo.seed(official=official(), citizen=proposer()),
        }
        # Some parts take a while (the complaints' history): a bar naming the part in hand on a
        # terminal, a line every 10 s in a log, then how long it all took.
        made = {}
        with Progress(self.stdout, "demo data", len(parts), what="parts",
                      summary="seeded {done} demo parts in {time}") as progress:  # fmt: skip
            for name, seed in parts.items():
                progress.note(name)
                made[name] = seed()
                progress.advance()
        voting, budgeting, complaints = made["polls"], made["participatory budgeting"], made["complaints"]
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
        self.stdout.write(f"  Official (/admin/): {DEMO_OFFICIAL_EMAIL} / {DEMO_OFFICIAL_PASSWORD}")
        self.stdout.write("  Citizens: sign in with 010-0000-0001 … 010-0000-0003; the code is printed here.")
        self.stdout.write("  Smart City Committee (/review/): secretary 010-0000-0100, chair 010-0000-0101.")
        self.stdout.write("  Democratic Seoul (/proposals/): proposals at every stage; 010-0000-0001 wrote two of them.")
        self.stdout.write(
            f"  M-Voting (/votes/): open, upcoming and closed polls; private room code {voting['room_code']}; "
            "010-0000-0001 proposed a poll awaiting screening (/admin/voting/poll/)."
        )
        self.stdout.write(
            f"  Participatory budgeting (/budgeting/): this year's cycle ({budgeting['cycle']}) is in its vote; "
            f"last year's ({budgeting['past_cycle']}) has results and milestones; 010-0000-0001 has a draft."
        )
        self.stdout.write(
            f"  Complaints (/complaints/, /admin/complaints/complaint/): {complaints['complaints']} complaints in every "
            f"state; track {complaints['track_number']} with the digits {complaints['track_last4']} at /complaints/track/."
        )

    def _accounts(self):
        self._official()
        for phone, birth_date, district_code, gender in DEMO_CITIZENS:
            self._citizen(normalize_mobile(phone), birth_date, district_code, gender)

    def _organisation(self):
        governance_demo.seed()
        self._committee_sign_ins()

    def _proposer(self):
        return Citizen.objects.get(phone_index=phone_blind_index(normalize_mobile(DEMO_CITIZENS[0][0])))

    def _demo_official(self):
        return Citizen.objects.get(email_index=email_blind_index(DEMO_OFFICIAL_EMAIL))

    def _committee_sign_ins(self):
        """Give two demo committee members a phone, so that /review/ can be tried by signing in."""
        from governance.models import Membership

        for phone, role in (("010-0000-0100", Membership.Role.SECRETARY), ("010-0000-0101", Membership.Role.CHAIR)):
            membership = Membership.objects.filter(
                committee__slug="smart-city-committee", role=role, status=Membership.Status.ACTIVE
            ).select_related("person").first()
            e164 = normalize_mobile(phone)
            if membership is None or Citizen.objects.filter(phone_index=phone_blind_index(e164)).exists():
                continue
            person = membership.person
            person.set_phone(e164)
            person.save()
            citizen_services.consent_record(citizen=person, answers={item.key: True for item in purposes()})
            citizen_services.citizen_update_profile(
                citizen=person, birth_date=date(1970, 3, 1), district=District.objects.get(code="11140"),
                residence_basis=Citizen.ResidenceBasis.WORKS, gender="", language="ko",
                notify_by=Citizen.NotifyBy.SMS, email=person.email,
            )

    def _official(self):
        if Citizen.objects.filter(email_index=email_blind_index(DEMO_OFFICIAL_EMAIL)).exists():
            return
        Citizen.objects.create_superuser(
            email=DEMO_OFFICIAL_EMAIL, password=DEMO_OFFICIAL_PASSWORD, name="데모 공무원"
        )

    def _citizen(self, phone, birth_date, district_code, gender):
        if Citizen.objects.filter(phone_index=phone_blind_index(phone)).exists():
            return
        citizen, _created = citizen_services.citizen_sign_in_by_phone(phone=phone)
        citizen_services.consent_record(citizen=citizen, answers={item.key: True for item in purposes()})
        citizen_services.citizen_update_profile(
            citizen=citizen,
            birth_date=birth_date,
            district=District.objects.get(code=district_code),
            residence_basis=Citizen.ResidenceBasis.LIVES,
            gender=gender,
            language="ko",
            notify_by=Citizen.NotifyBy.SMS,
            email="",
        )

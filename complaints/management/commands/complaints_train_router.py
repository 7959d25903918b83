"""Train the routing classifier on the complaints the city has handled.

    manage.py complaints_train_router [--min-samples 50] [--threshold 0.6] [--holdout 0.2] [--seed S]
                                      [--max-samples 100000]

Prints the held-out accuracy next to the majority-class baseline. The new model routes new
complaints only if it beats that baseline, and only its suggestions at or above the threshold move
a complaint away from its category's default unit.
"""

from django.core.management.base import BaseCommand, CommandError

from complaints.errors import ComplaintError
from complaints.services.router_training import DEFAULT_MAX_SAMPLES, router_train


def _fraction(value):
    try:
        return float(value)
    except ValueError:
        raise CommandError(f"Not a number: {value!r}") from None


class Command(BaseCommand):
    help = "Train the complaint routing classifier on handled complaints and store it with its held-out accuracy."

    def add_arguments(self, parser):
        parser.add_argument("--min-samples", type=int, default=50,
                            help="Refuse to train on fewer handled complaints (default 50).")  # fmt: skip
        parser.add_argument("--threshold", type=_fraction, default=0.6,
                            help="Confidence at or above which a suggestion replaces the default unit (default 0.6).")  # fmt: skip
        parser.add_argument("--holdout", type=_fraction, default=0.2,
                            help="Share of each unit's complaints held out for testing (default 0.2).")  # fmt: skip
        parser.add_argument("--seed", type=int, default=None,
                            help="Seed of the held-out draw (default: random, printed).")  # fmt: skip
        parser.add_argument("--max-samples", type=int, default=DEFAULT_MAX_SAMPLES,
                            help=f"Learn from at most this many of the newest handled complaints (default {DEFAULT_MAX_SAMPLES}).")  # fmt: skip

    def handle(self, *args, min_samples, threshold, holdout, seed, max_samples, **options):
        if max_samples < 1:
            raise CommandError("--max-samples must be positive.")
        try:
            report = router_train(min_samples=min_samples, threshold=threshold, holdout=holdout, seed=seed,
                                  limit=max_samples)  # fmt: skip
        except ComplaintError as error:
            raise CommandError(str(error)) from None
        model = report.model
        self.stdout.write(f"Routing model {model.pk} trained on {model.samples} complaints of {report.units} units "
                          f"(seed {report.seed}).")  # fmt: skip
        self.stdout.write(f"Held-out accuracy: {model.accuracy:.1%} on {model.held_out} complaints; "
                          f"majority-class baseline: {model.baseline_accuracy:.1%}.")  # fmt: skip
        self.stdout.write(f"Tokens kept: {len(model.parameters['tokens'])}; tokenizer: {model.parameters['tokenizer']}.")
        if report.beats_baseline:
            self.stdout.write(self.style.SUCCESS(
                f"In use: suggestions at or above {model.threshold:.0%} confidence route new complaints."
            ))  # fmt: skip
        else:
            self.stdout.write(self.style.WARNING(
                "Not used: it does not beat the baseline; the previous model (if any) keeps routing."
            ))  # fmt: skip

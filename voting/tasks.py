from celery import shared_task

from .services import ballots_mix, polls_advance


@shared_task(name="voting.tasks.advance_polls", ignore_result=True)
def advance_polls():
    """Periodic (Celery beat, every minute): the same as `manage.py voting_advance`; safe to run twice.

    A run that fails (a lost connection) is simply redone by the next one a minute later."""
    report = polls_advance()
    return report["opened"] + report["closed"]


@shared_task(name="voting.tasks.mix_ballots", ignore_result=True)
def mix_ballots():
    """Periodic (Celery beat, every minute): rewrite the ballots cast since the last run in random
    order (services/mixing.py); safe to run twice or concurrently."""
    return ballots_mix()

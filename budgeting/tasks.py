from celery import shared_task

from .services.mixing import budget_ballots_mix


@shared_task(name="budgeting.tasks.mix_ballots", ignore_result=True)
def mix_ballots():
    """Periodic (Celery beat, every minute): rewrite the budget ballots and participations cast
    since the last run in random order (services/mixing.py); safe to run twice or concurrently.

    A run that fails (a lost connection) is simply redone by the next one a minute later."""
    return budget_ballots_mix()


@shared_task(name="budgeting.tasks.tell_voters_the_results", ignore_result=True, acks_late=True)
def tell_voters_the_results(cycle_id):
    """After a cycle's results are published: every citizen who voted is told (in batches, each its
    own transaction). Idempotent per citizen, so a task delivered twice or cut off half-way is
    simply run again."""
    from .notifications import notify_voters_of_results

    return notify_voters_of_results(cycle_id)

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


@shared_task(name="budgeting.tasks.count_cycle", ignore_result=True, acks_late=True)
def count_cycle(cycle_id, actor_id):
    """The count an official started in the back office: a minute or more at Seoul's scale, too
    long for a web request. A refusal (the results were published meanwhile) is logged; a count
    cut off half-way wrote nothing (one transaction) and is simply started again."""
    import logging

    from citizens.models import Citizen

    from .errors import BudgetingError
    from .models import Cycle
    from .services.tally import cycle_count

    try:
        cycle_count(actor=Citizen.objects.get(pk=actor_id), cycle=Cycle.objects.get(pk=cycle_id))
    except BudgetingError as error:
        logging.getLogger(__name__).warning("The count of cycle %s was refused: %s", cycle_id, error)

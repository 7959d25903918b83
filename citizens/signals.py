"""Signals the layers above listen to; citizens itself imports none of them.

`citizen_action` is sent inside the transaction of every write in citizens.services, so the
audit app (which listens) writes its audit row in the same transaction:
    citizen_action.send(sender=Citizen, actor=citizen_or_None, action="citizen.erase",
                        target=citizen, summary={...ids and codes only...}, ip="203.0.113.9")
"""

from django.dispatch import Signal

citizen_action = Signal()

"""Signals the layers above listen to; citizens itself imports none of them.

`audited_action` is sent inside the transaction of every write that must leave an audit row —
citizens' own services, and apps in a layer that may not import `audit` (the notifications
outbox is its sibling) — so the audit app, which listens, writes the row in the same transaction:
    audited_action.send(sender=Citizen, actor=citizen_or_official_or_None, action="citizen.erase",
                        target=citizen, summary={...ids and codes only...}, ip="203.0.113.9")
"""

from django.dispatch import Signal

audited_action = Signal()

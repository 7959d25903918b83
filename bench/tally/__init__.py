"""The tally benchmark: the portal's participatory-budgeting engine (budgeting/tally/) against
pabutools, side by side in one run (`python -m bench.tally`, `make bench-tally`; see runner.py).

pabutools lives in its own virtualenv and is only ever run through pabutools_worker.py; nothing
here imports it, and the worker imports nothing of the portal.
"""

"""The portal's benchmark: seed databases at scale, drive the key pages and actions, print ratios.

`python -m bench.run` (or `make bench`) is the runner; `manage.py seed_scale` seeds one database.
Each channel adds a seeder (bench/seeding/) and its scenarios (bench/scenarios/) to the registries
there, so that one run measures the whole portal.
"""

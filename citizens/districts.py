"""Seoul's 25 autonomous districts with their official codes, names and boundaries.

Source: citizens/data/seoul_districts.geojson (southkorea/seoul-maps, JUSO 2015, Apache 2.0).
Loaded by a data migration; tests that empty the tables (transactional tests) load them again.
"""

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "seoul_districts.geojson"


def load_seoul_districts(district_model):
    """Create or update the 25 districts; `district_model` may be the migration's historical model."""
    for feature in json.loads(DATA.read_text(encoding="utf-8"))["features"]:
        properties = feature["properties"]
        district_model.objects.update_or_create(
            code=properties["SIG_CD"],
            defaults={
                "name_ko": properties["SIG_KOR_NM"],
                "name_en": properties["SIG_ENG_NM"],
                "boundary": feature["geometry"],
            },
        )

"""The tally engine is plain Python: services and commands call it, it calls nothing of Django."""

import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def test_importing_the_engine_loads_no_django():
    script = (
        "import sys, budgeting.pabulib, budgeting.tally; "
        "loaded = sorted(name for name in sys.modules if name.split('.')[0] == 'django'); "
        "print(', '.join(loaded))"
    )
    completed = subprocess.run([sys.executable, "-c", script], cwd=REPOSITORY, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == ""

import sys

from bench.tally.runner import main

sys.exit(main())

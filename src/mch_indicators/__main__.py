"""``python -m mch_indicators`` runs the command line."""

import sys

from mch_indicators._cli import main

sys.exit(main())

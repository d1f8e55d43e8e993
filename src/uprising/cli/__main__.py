"""``python -m uprising.cli``: the `uprising` command."""

import sys

from uprising.cli import app

if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())

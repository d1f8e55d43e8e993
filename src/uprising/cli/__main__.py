"""``python -m uprising.cli``: the `uprising` command."""

import sys

from uprising.entry import main

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

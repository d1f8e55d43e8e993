"""Project errors: the failures a user can fix, each with a one-line message.

The command line prints these messages and exits with status 2 instead of showing a
traceback; anything else that escapes is a bug in `uprising`.
"""

from __future__ import annotations


class UprisingError(Exception):
    """Base class of the errors `uprising` reports to a user."""


class ScenarioError(UprisingError, ValueError):
    """A scenario is missing, malformed or out of range.

    The message names the file (or built-in name) and the field path, e.g.
    ``epstein-run2.toml: rules.legitimacy = 1.7: must be <= 1``.
    """

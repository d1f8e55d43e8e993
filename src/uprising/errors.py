"""Project errors: the failures a user can fix, each with a one-line message.

The command line prints these messages as one ``error: ...`` line instead of showing a
traceback, and exits with the error's `UprisingError.exit_status`: 2 for bad input (the
default), 1 for an environment that failed (`EnvironmentFailure`: a full disk, a
database held by another process, a cluster without workers). Anything else that
escapes is a bug in `uprising`.
"""

from __future__ import annotations


class UprisingError(Exception):
    """Base class of the errors `uprising` reports to a user."""

    exit_status: int = 2
    """Exit status of the command line for this error: 2, bad input."""


class EnvironmentFailure(UprisingError):
    """The machine, the disk or the cluster failed, not the input; exit status 1."""

    exit_status = 1


class ScenarioError(UprisingError, ValueError):
    """A scenario is missing, malformed or out of range.

    The message names the file (or built-in name) and the field path, e.g.
    ``epstein-run2.toml: rules.legitimacy = 1.7: must be <= 1``.
    """

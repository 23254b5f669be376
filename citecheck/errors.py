"""The exceptions citecheck raises when a check cannot run.

Findings (a ``not_found`` verdict, say) are data, never exceptions. Everything
here derives from :class:`CitecheckError`, and each class carries the CLI exit
code it maps to:

- ``CitecheckError``           base class (exit 2)
- ``InputError``               unreadable, binary, empty or oversized input (exit 2)
- ``SourceError``              a record source is missing or unreadable (exit 2)
- ``IndexError_``              any problem with an index (exit 3)
  - ``IndexMissingError``      no index at that path
  - ``IndexCorruptError``      truncated or unreadable files
  - ``IndexMismatchError``     built with another model, dimension or format
  - ``IndexWriteError``        cannot be written (disk full, no permission); the
                               previous index is unchanged
- ``OnlineError``              an online resolver failed or its time budget is
                               spent (callers keep the local verdict and add the
                               reason)
- ``DeadlineError``            a verification given a deadline ran past it and
                               stopped (the service answers 504)
"""

from __future__ import annotations

EXIT_FLAGGED = 1
EXIT_USAGE = 2
EXIT_INDEX = 3


class CitecheckError(Exception):
    """Base class: the check could not run."""

    exit_code = EXIT_USAGE


class InputError(CitecheckError):
    """The input text or file cannot be read as text."""


class SourceError(CitecheckError):
    """A record source is missing, unreadable or in an unknown format."""


class IndexError_(CitecheckError):
    """An index cannot be opened, built or updated."""

    exit_code = EXIT_INDEX


class IndexMissingError(IndexError_):
    """No index exists at the given path."""


class IndexCorruptError(IndexError_):
    """Index files are truncated, unreadable or disagree with the manifest."""


class IndexMismatchError(IndexError_):
    """The index was built with another model, dimension or format version."""


class IndexWriteError(IndexError_):
    """An index could not be written (disk full, no permission); the previous one is intact."""


class OnlineError(CitecheckError):
    """An online resolver could not answer."""


class DeadlineError(CitecheckError):
    """A verification ran past the deadline its caller gave and stopped there."""

"""The project's exception hierarchy, defined once so every layer (and the Rust core) raises the same classes.

The CLI turns a :class:`ZkvctError` (or a ``ValueError`` raised while parsing user input) into a
one-line message and exit code 2 instead of a traceback. The native core raises :class:`PointError`
by importing it from here, so the name and module must stay put.
"""


class ZkvctError(Exception):
    """A problem with the user's input or files; the message says what is wrong and what is allowed."""


class FormatError(ZkvctError, ValueError):
    """A file is truncated, has the wrong magic/version, or has malformed sections."""


class PointError(FormatError):
    """A point is malformed: coordinate >= q, not on the curve, outside the subgroup, or infinity where forbidden.

    A :class:`FormatError` because a bad point is a malformed part of the file or JSON it came from:
    readers that report format problems report these too.
    """

"""The exception every user-facing error derives from.

The CLI turns a :class:`ZkvctError` (or a ``ValueError`` raised while parsing user input) into a
one-line message and exit code 2 instead of a traceback.
"""


class ZkvctError(Exception):
    """A problem with the user's input or files; the message says what is wrong and what is allowed."""

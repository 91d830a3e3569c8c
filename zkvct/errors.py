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


# The native core's other refusals (native/src/error.rs; a bad point is the PointError above),
# raised by ``zkvct._native`` itself. Each is a ValueError so callers that catch ValueError keep
# working; ``index`` is the position of the offending item in its buffer, or None.

class ScalarError(ValueError):
    """A scalar (witness value, public input, coefficient, blinding factor) that is not < r."""


class EncodingLengthError(ValueError):
    """A buffer that is not a whole number of items, or not the size the other arguments imply."""


class DomainSizeError(ValueError):
    """An FFT domain size the scalar field does not support (not a power of two, or above 2^28)."""

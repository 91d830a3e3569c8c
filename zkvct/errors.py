"""The exception every user-facing error derives from.

The CLI turns a :class:`ZkvctError` (or a ``ValueError`` raised while parsing user input) into a
one-line message and exit code 2 instead of a traceback.
"""


class ZkvctError(Exception):
    """A problem with the user's input or files; the message says what is wrong and what is allowed."""


# The native core's refusals (native/src/error.rs), raised by ``zkvct._native`` itself. Each is a
# ValueError so callers that catch ValueError keep working; ``index`` is the position of the
# offending item in its buffer, or None.

class PointError(ValueError):
    """A curve point that is not canonical, not on the curve, outside the subgroup or at infinity."""


class ScalarError(ValueError):
    """A scalar (witness value, public input, coefficient, blinding factor) that is not < r."""


class EncodingLengthError(ValueError):
    """A buffer that is not a whole number of items, or not the size the other arguments imply."""


class DomainSizeError(ValueError):
    """An FFT domain size the scalar field does not support (not a power of two, or above 2^28)."""

"""Validation of papermill parameters: a wrong type or value stops with what is allowed."""
from __future__ import annotations

from collections.abc import Iterable

#: text parameters that take one of a few words, by name: checked against these before any kernel starts
#: (analysis/parameter_check.py) and again where they are used (``growth.COVID_TREATMENTS`` is this one)
CHOICES: dict[str, tuple[str, ...]] = {"covid": ("none", "dummy", "exclude")}


class ParameterError(ValueError):
    """A notebook parameter has the wrong type or value."""


def check_parameter(name: str, value, kind: type | tuple[type, ...], *, allowed: Iterable | None = None,
                    minimum: float | None = None, maximum: float | None = None, exclusive: bool = False):
    """Return ``value`` if it is of ``kind`` (and in ``allowed`` / within the bounds), else raise.

    ``bool`` is not accepted where a number is expected (papermill's ``-p`` turns ``True`` into a
    bool). With ``exclusive=True`` the bounds themselves are not allowed.
    """
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = " or ".join(k.__name__ for k in kinds)
    if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
        raise ParameterError(f"parameter {name!r} = {value!r} ({type(value).__name__}): expected {names}")
    if allowed is not None:
        allowed = list(allowed)
        if value not in allowed:
            raise ParameterError(f"parameter {name!r} = {value!r}: allowed values are {', '.join(map(repr, allowed))}")
    if minimum is not None or maximum is not None:
        lo_ok = minimum is None or (value > minimum if exclusive else value >= minimum)
        hi_ok = maximum is None or (value < maximum if exclusive else value <= maximum)
        if not (lo_ok and hi_ok):
            lo = "−∞" if minimum is None else minimum
            hi = "+∞" if maximum is None else maximum
            brackets = "()" if exclusive else "[]"
            raise ParameterError(f"parameter {name!r} = {value!r}: allowed range is {brackets[0]}{lo}, {hi}{brackets[1]}")
    return value

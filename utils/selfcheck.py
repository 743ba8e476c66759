"""Visible self-checks: one clear line that says what passed, or what was
expected, what your code gave, and a hint.

A failing check raises :class:`SelfCheckFailed`, so "Run all" stops at the
first exercise that needs work; in Jupyter and Colab it is shown as that one
line instead of a traceback.
"""
import numpy as np


class SelfCheckFailed(AssertionError):
    """A self-check did not pass; the message says why."""

    def _render_traceback_(self):
        # IPython shows these lines instead of the traceback.
        return [f"\x1b[0;31m{self}\x1b[0m"]


def _fmt(value):
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=4, threshold=12, max_line_width=10_000, separator=", ")
    return repr(value)


def _as_array(value):
    if hasattr(value, "numpy"):
        value = value.numpy()
    return np.asarray(value)


def _fail(what, expected, got, hint):
    message = f"✘ {what}: expected {_fmt(expected)}, got {_fmt(got)}."
    if hint:
        message += f" Hint: {hint}"
    raise SelfCheckFailed(message)


def passed(what):
    print(f"✔ {what}")


def check_close(what, got, expected, hint="", atol=1e-5, rtol=1e-4):
    """Pass when ``got`` has the shape of ``expected`` and the same values within tolerance."""
    expected = np.asarray(expected, dtype=np.float64)
    try:
        got = _as_array(got).astype(np.float64)
    except (TypeError, ValueError):
        _fail(what, "an array of numbers", got, hint)
    if got.shape != expected.shape:
        _fail(f"{what} (shape)", expected.shape, got.shape, hint)
    if not np.allclose(got, expected, atol=atol, rtol=rtol):
        _fail(what, expected, got, hint)
    passed(what)


def check_equal(what, got, expected, hint=""):
    """Pass when ``got == expected`` (for counts, shapes, names and choices)."""
    if type(got) is not type(expected) and not (
        isinstance(got, (int, np.integer)) and isinstance(expected, (int, np.integer))
    ):
        _fail(what, expected, got, hint)
    if got != expected:
        _fail(what, expected, got, hint)
    passed(what)

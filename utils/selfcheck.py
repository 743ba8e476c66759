"""Visible self-checks: one clear line that says what passed, or what was
expected, what your code gave, and a hint.

A failing check raises :class:`SelfCheckFailed`, so "Run all" stops at the
first exercise that needs work; in Jupyter and Colab it is shown as that one
line instead of a traceback. An answer that is not written yet (its stub
still raises ``NotImplementedError``) is shown the same way: importing this
module in IPython installs a handler that prints one line naming the
function to write, wherever the error surfaces.
"""
import contextlib
import sys

import numpy as np

from utils import errors
from utils.i18n import _


class SelfCheckFailed(AssertionError):
    """A self-check did not pass; the message says why."""

    def _render_traceback_(self):
        # IPython shows these lines instead of the traceback (no colour
        # codes: the notebook already shows errors in red).
        return [str(self)]


def not_written(traceback):
    """The one line shown for a ``NotImplementedError`` raised by an answer stub, given its traceback."""
    while traceback.tb_next is not None:
        traceback = traceback.tb_next
    frame = traceback.tb_frame
    if frame.f_code.co_name == "<module>":
        return _("✘ This answer is not written yet: replace `raise NotImplementedError()` with your code.")
    owner = frame.f_locals.get("self")
    name = frame.f_code.co_name if owner is None else f"{type(owner).__name__}.{frame.f_code.co_name}"
    return _("✘ {name}() is not written yet: replace `raise NotImplementedError()` in its answer cell "
             "with your code, run that cell, then this one.").format(name=name)


def _show_not_written(shell, etype, value, traceback, tb_offset=None):
    lines = [not_written(traceback)]
    shell._showtraceback(etype, value, lines)  # an error output, so "Run all" stops here
    return lines


def _install_ipython_handler():
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        shell.set_custom_exc((NotImplementedError,), _show_not_written)


_install_ipython_handler()


@contextlib.contextmanager
def running(what, hint=""):
    """Turn an error raised inside the block into one self-check line that names ``what`` was running."""
    try:
        yield
    except SelfCheckFailed:
        raise
    except NotImplementedError:
        raise SelfCheckFailed(not_written(sys.exc_info()[2])) from None
    except Exception as error:  # the student's code failed: say where, in one line
        described = " ".join(errors.describe(error).splitlines())
        message = _("✘ {what} raised {error}").format(what=what, error=described)
        raise SelfCheckFailed(message + _with_hint(hint)) from None


def _fmt(value):
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=4, threshold=12, max_line_width=10_000, separator=", ")
    return repr(value)


def _as_array(value):
    if hasattr(value, "numpy"):
        value = value.numpy()
    return np.asarray(value)


def _with_hint(hint):
    return " " + _("Hint: {hint}").format(hint=hint) if hint else ""


def _fail(what, expected, got, hint):
    message = _("✘ {what}: expected {expected}, got {got}.").format(what=what, expected=_fmt(expected),
                                                                  got=_fmt(got))
    raise SelfCheckFailed(message + _with_hint(hint))


def passed(what):
    print(f"✔ {what}")


def check_close(what, got, expected, hint="", atol=1e-5, rtol=1e-4):
    """Pass when ``got`` has the shape of ``expected`` and the same values within tolerance."""
    expected = np.asarray(expected, dtype=np.float64)
    try:
        got = _as_array(got).astype(np.float64)
    except (TypeError, ValueError):
        _fail(what, _("an array of numbers"), got, hint)
    if got.shape != expected.shape:
        _fail(_("{what} (shape)").format(what=what), expected.shape, got.shape, hint)
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

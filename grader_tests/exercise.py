"""One graded exercise: make inputs, probe the student's code, judge.

The three steps are kept apart on purpose, and live on two sides of the
sandbox. This package, ``grader_tests``, is the *kernel side*: it runs in
the student's kernel, draws the inputs and probes the student's code,
which gives plain numeric arrays (the *evidence*); when grading, the
kernel's guard (:mod:`grader_tests.guard`) runs the probe and writes the
evidence, signed, to ``$COURSE_EVIDENCE_DIR``. ``course.judges`` is the *grader
side*: each exercise's judge decides on that evidence alone, with the
trusted reference computations, in the grader's own process, where nothing
the student's code patched (``np.allclose``, ``assert``, these very
functions) is in effect, and which the kernel can neither read nor import.
Inputs come from ``$COURSE_GRADING_SEED``, which a grading kernel is given
only when the hidden tests run, so they are new at every grading run and
the grader can make the same ones again.

Every check follows the rules in ``grader_tests/RULES.md``: the same verdict
on every seed, boundary cases, structure checked where the text fixes it,
both training and inference mode, full config round-trips, verdicts in the
right exercise, plain numeric evidence and pure judges.
"""
import importlib
import json
import os
import sys

import numpy as np

from grader_tests.guard import CHECK_EVENT, END_EVENT
from utils.i18n import _

DEFAULT_SEED = 20261125


class CheckFailed(AssertionError):
    """The student's answer does not do what the exercise asks; the message says how."""


def grading_seed():
    return int(os.environ.get("COURSE_GRADING_SEED", DEFAULT_SEED))


def to_evidence(raw, title):
    """Turn what a probe returned into a dict of plain numeric NumPy arrays.

    Anything that is not a number or an array of numbers (for example an
    object whose ``__eq__`` always says True) is refused here.
    """
    evidence = {}
    for name, value in raw.items():
        if hasattr(value, "numpy"):
            value = value.numpy()
        try:
            array = np.array(value, copy=True)
        except Exception:
            array = np.array(None, dtype=object)
        if array.dtype.kind not in "biuf":
            raise CheckFailed(_("{title}: {name} should be numbers, but it is {type}.").format(
                title=_(title), name=name, type=type(value).__name__))
        evidence[name] = array.astype(np.float64) if array.dtype.kind == "f" else array
    return evidence


def json_evidence(value):
    """A JSON-able value (a layer config, say) as evidence: its UTF-8 JSON text as a uint8 array.

    The judge reads it back with :func:`from_json_evidence` and compares it in
    its own process, so the comparison is never done by the student's kernel.
    """
    return np.frombuffer(json.dumps(value, sort_keys=True, default=repr).encode(), dtype=np.uint8)


def from_json_evidence(array):
    """The value :func:`json_evidence` encoded (None when it is not valid JSON)."""
    try:
        return json.loads(np.asarray(array, dtype=np.uint8).tobytes().decode())
    except ValueError:
        return None


CONFIG_NAME = "name_from_the_test"  # the name the config probes pass through **kwargs
LAYER_BASE = {"name": CONFIG_NAME, "trainable": False}  # base arguments a layer's config must keep
LOSS_BASE = {"name": CONFIG_NAME, "reduction": "sum"}  # the same for a loss


def config_evidence(layer_class, *args, base=LAYER_BASE, **kwargs):
    """A layer's (or loss's) config and the config of its copy made by ``from_config``, as JSON evidence.

    The object is made with the ``base`` arguments (by default
    ``name=CONFIG_NAME, trainable=False``) so that a config without the base
    keys, or an ``__init__`` that does not pass ``**kwargs`` on, shows. An
    error is recorded as its text, for the judge to report
    (:func:`grader_tests.expect.config_round_trip`).
    """
    try:
        config = layer_class(*args, **base, **kwargs).get_config()
    except Exception as error:
        config = f"{type(error).__name__}: {error}"
    evidence = {"config": json_evidence(config)}
    try:
        evidence["clone_config"] = json_evidence(layer_class.from_config(config).get_config())
    except Exception as error:
        evidence["clone_config"] = json_evidence(f"{type(error).__name__}: {error}")
    return evidence


class Exercise:
    """Base class of a graded exercise. Subclasses set ``key`` and ``title`` (in English, marked
    with ``N_``: it is translated where a message shows it) and write ``probe`` (and ``inputs`` when they need any); the exercise's
    judge, a subclass in :mod:`course.judges` of the same name, adds ``judge``:
    ``judge(inputs, evidence)`` raises :class:`CheckFailed` with a helpful
    message unless the evidence is right."""

    key = ""
    title = ""

    def inputs(self, rng):
        """Inputs the student never saw, drawn from ``rng``."""
        return {}

    def probe(self, inputs, *answers):
        """Run the student's answer on ``inputs``; return named numbers or arrays."""
        raise NotImplementedError

    def fail(self, message):
        raise CheckFailed(f"{_(self.title)}: {message}")

    def collect(self, inputs, *answers):
        """Probe, turning the student's errors into a :class:`CheckFailed` that says what happened."""
        try:
            raw = self.probe(inputs, *answers)
        except CheckFailed:
            raise
        except NotImplementedError:
            self.fail(_("not implemented yet: replace `raise NotImplementedError()` with your code."))
        except Exception as error:
            self.fail(_("running your code raised {error}").format(error=f"{type(error).__name__}: {error}"))
        return to_evidence(raw, self.title)

    def check(self, *answers):
        """What a hidden test cell calls: probe, and judge the evidence where it can be trusted.

        In a grading kernel the guard answers (:mod:`grader_tests.guard`): it runs this
        exercise's probe itself and signs the evidence, which the grader judges
        afterwards in its own process (:mod:`course.judges` lies outside the
        kernel's sandbox). Elsewhere (the project's own tests) the judges can be
        imported, and the verdict comes at once.
        """
        guard = []
        sys.audit(CHECK_EVENT, type(self).__module__, self.key, answers, guard)
        if guard:
            verdict = guard.pop()  # the inputs, or why the guard will not run the check
            if isinstance(verdict, dict):  # the guard watches while this probes, then signs the evidence
                evidence = None
                try:
                    evidence = self.collect(verdict, *answers)
                except CheckFailed as failure:
                    evidence = str(failure)
                finally:
                    sys.audit(END_EVENT, evidence, guard)
                verdict = guard.pop() if guard else _("the hidden tests' guard turned this check down.")
            if verdict is not None:
                raise CheckFailed(verdict)
            print(_("✔ {title}: your answer ran; the grader judges its results.").format(title=_(self.title)))
            return
        judge = trusted_judge(self)
        if judge is None:
            raise CheckFailed(_("{title}: the hidden tests count only when the course's grader runs them.").format(
                title=_(self.title)))
        inputs = self.inputs(np.random.default_rng(grading_seed()))
        judge.judge(inputs, self.collect(inputs, *answers))
        print(_("✔ {title}: all hidden checks passed.").format(title=_(self.title)))


def trusted_judge(exercise):
    """The exercise's judge (same key, in ``course.judges.<its module>``), or None where the
    judges cannot be imported, as in a grading kernel."""
    try:
        from course.judges import judges_of

        module = importlib.import_module(f"course.judges.{type(exercise).__module__.rsplit('.', 1)[-1]}")
    except ImportError:
        return None
    return judges_of(module).get(exercise.key)


def exercises_of(module):
    """The exercises a lesson module defines, by key."""
    found = [value for value in vars(module).values() if isinstance(value, Exercise)]
    return {exercise.key: exercise for exercise in found}

"""Attacks on the grading kernel's guard, run by ``tests/test_guard.py`` in a fresh Python.

``python tests/guard_attacks.py KEY_FILE EVIDENCE_DIR`` installs the guard as a
grading kernel does, starts a "first cell", then makes each attack in turn,
undoing it afterwards, and prints one JSON object: for each attack, what the
lesson 01 square-model check said after it (``"signed"`` when the guard
signed evidence, else the message it gave) and what the attack itself saw.
Each attack is something a cell could do to win points without a right
answer, or to reach the guard's key.
"""
import builtins
import functools
import json
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grader_tests import guard  # noqa: E402

guard.install(sys.argv[1])
EVIDENCE = Path(sys.argv[2])
exec(compile("pass", f"{tempfile.gettempdir()}/ipykernel_{os.getpid()}/first_cell.py", "exec"))  # the first cell

import inspect  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402

from grader_tests import exercise, lesson01  # noqa: E402
from grader_tests.exercise import CheckFailed, Exercise  # noqa: E402

SIGNED = EVIDENCE / f"square_model{guard.SIGNED_SUFFIX}"


def right():
    return keras.Sequential([keras.Input((1,)), keras.layers.Lambda(lambda x: x ** 2)])


def wrong():
    return keras.Sequential([keras.Input((1,)), keras.layers.Lambda(lambda x: x)])


def checked(answer=right):
    """``"signed"`` when the check of ``answer`` left signed evidence, else what it said."""
    SIGNED.unlink(missing_ok=True)
    try:
        lesson01.square_model.check(answer)
    except CheckFailed as failure:
        return str(failure)
    except Exception as error:
        return f"raised {type(error).__name__}: {error}"
    return "signed" if SIGNED.exists() else "nothing saved"


def refused(action):
    """``"refused"`` when ``action()`` is stopped by the guard, else ``"allowed"``."""
    try:
        action()
    except ValueError as error:
        return "refused" if type(error).__name__ == "GuardRefused" else f"raised {error}"
    return "allowed"


results = {"honest": checked(), "wrong answer": checked(wrong)}


def patched(name, owner, attribute, value):
    own = attribute in getattr(owner, "__dict__", {}) or not isinstance(owner, type)
    saved = getattr(owner, attribute)
    setattr(owner, attribute, value)
    try:
        results[name] = checked()
    finally:
        if own:
            setattr(owner, attribute, saved)
        else:
            delattr(owner, attribute)


def fake_collect(self, inputs, *answers):
    return exercise.to_evidence({"output": inputs["x"] ** 2, "params": 0, "lambdas": 1, "model": True,
                                 "input_shape": [-1, 1], "traced_runs": True, "traced": inputs["x"] ** 2},
                                self.title)


patched("replaced collect", Exercise, "collect", fake_collect)
patched("replaced probe", type(lesson01.square_model), "probe", lambda self, inputs, make: {})
patched("replaced to_evidence", exercise, "to_evidence", lambda raw, title: {})
patched("replaced np.savez", np, "savez", lambda *a, **k: None)
patched("replaced a Keras method", keras.Model, "count_params", lambda self: 0)
patched("replaced a builtin", builtins, "isinstance", lambda obj, cls: True)
saved_module = sys.modules["grader_tests.lesson01"]
sys.modules["grader_tests.lesson01"] = type(sys)("grader_tests.lesson01")
results["swapped a module in sys.modules"] = checked()
sys.modules["grader_tests.lesson01"] = saved_module
lesson01.isinstance = lambda obj, cls: True
results["shadowed a builtin in the grader's module"] = checked()
del lesson01.isinstance
results["a kernel function's defaults"] = refused(
    lambda: setattr(exercise.config_evidence, "__kwdefaults__", {"base": {}}))
results["a kernel function's keyword defaults"] = refused(lambda: exercise.config_evidence.__kwdefaults__.clear())
lesson01.square_model.key = "rescale_layer"
results["changed an exercise's data"] = checked()
del lesson01.square_model.key


def patches_and_restores():
    """A wrong answer that, while the probe runs, makes the Lambda count lie once and then restores it."""
    original = lesson01._lambda_count

    def lie(model):
        lesson01._lambda_count = original
        return 1
    lesson01._lambda_count = lie
    return keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False)])


results["patched and restored while probed"] = checked(patches_and_restores)


def posing_as_the_grader():
    """``patches_and_restores`` run from a namespace that gives itself the name and file of the grader's
    module: code is the kernel's by the namespace it runs in, not by what that namespace says it is."""
    namespace = globals()
    saved = namespace["__name__"], namespace["__file__"]
    namespace["__name__"], namespace["__file__"] = lesson01.__name__, lesson01.__file__
    try:
        return checked(patches_and_restores)
    finally:
        namespace["__name__"], namespace["__file__"] = saved


results["patched and restored by code posing as the grader's"] = posing_as_the_grader()

seen_frames = {}


def looks_for_frames():
    """An answer that tries every way to see the frames of the code that called it."""
    def attempt(name, action):
        try:
            frame = action()
            names = []
            while frame is not None:
                names.append(frame.f_code.co_name)
                frame = frame.f_back
            seen_frames[name] = "run_check" in names or "hook" in names
        except ValueError:
            seen_frames[name] = False

    def from_traceback():
        try:
            raise KeyError
        except KeyError as error:
            return error.__traceback__.tb_frame.f_back

    def generator():
        yield 1
    running = generator()
    attempt("sys._getframe", lambda: sys._getframe(1))
    attempt("inspect.currentframe", inspect.currentframe)
    attempt("inspect.stack", lambda: inspect.stack()[1].frame)
    attempt("a traceback", from_traceback)
    attempt("a generator", lambda: running.gi_frame)
    attempt("sys._current_frames", lambda: sys._current_frames()[threading.get_ident()])
    return right()


results["looked for the guard's frames"] = checked(looks_for_frames)


def frames_above():
    """The names of the functions on the stack above the caller, or None when the guard refuses the frame."""
    try:
        frame = sys._getframe(2)
    except ValueError:
        return None
    names = []
    while frame is not None:
        names.append(frame.f_code.co_name)
        frame = frame.f_back
    return names


def saw_the_guard(names):
    return names is not None and bool({"run_check", "hook"} & set(names))


class CollidingName:
    """A global name of the notebook with the hash of a name the guard may look up in the globals of the code
    it watches: if the guard compared it with that name, its ``__eq__`` would run inside the guard."""

    def __init__(self, target):
        self.target = target

    def __hash__(self):
        return hash(self.target)

    def __eq__(self, other):
        seen_frames[f"a global named like {self.target}"] = saw_the_guard(frames_above())
        return False


def with_colliding_names():
    namespace = globals()
    saved = namespace.pop("__file__")
    names = [CollidingName(target) for target in ("__file__", "__name__", "__builtins__")]
    namespace.update(dict.fromkeys(names))
    try:
        return checked()
    finally:
        for name in names:
            del namespace[name]
        namespace["__file__"] = saved


class Finalized:
    """Garbage in a cycle, so that the collector frees it wherever it next runs: inside the guard, its
    ``__del__`` would run as the guard's own code."""

    def __init__(self):
        self.cycle = self

    def __del__(self):
        if saw_the_guard(frames_above()):
            seen_frames["a finalizer"] = True


def finalizers_run_inside_the_guard():
    """An answer that makes the collector run at every allocation, with garbage ready, while the guard works."""
    import gc
    thresholds = gc.get_threshold()
    seen_frames["a finalizer"] = False
    for threshold in range(1, 60):
        gc.disable()
        for _ in range(3):
            Finalized()
        gc.set_threshold(threshold)
        gc.enable()
        try:
            sys._getframe(0)
        except ValueError:
            pass
    gc.set_threshold(*thresholds)
    return right()


results["names that collide with the guard's"] = with_colliding_names()


SILENCER = """
def answer(helper, build):
    try:
        helper()
    except LookupError:
        pass
    return build()
"""


class RaisingName:
    """A global name of the notebook whose comparison with ``__file__`` raises."""

    def __hash__(self):
        return hash("__file__")

    def __eq__(self, other):
        raise LookupError("no comparing")


def silences_the_tracer():
    """``patches_and_restores`` after calling a helper whose namespace makes a name lookup raise: were the
    guard's watch to stop there, the patch and its undoing would go unseen."""
    folder = Path(tempfile.mkdtemp())
    (folder / "silencer.py").write_text(SILENCER)
    sys.path.insert(0, str(folder))
    import silencer
    sys.path.remove(str(folder))
    namespace, raising = globals(), RaisingName()
    saved = namespace.pop("__file__")
    namespace[raising] = None

    def helper():
        return None
    try:
        return checked(functools.partial(silencer.answer, helper, patches_and_restores))
    finally:
        del namespace[raising]
        namespace["__file__"] = saved


results["a lookup that raises in the guard's watch"] = silences_the_tracer()
results["finalizers inside the guard"] = checked(finalizers_run_inside_the_guard)
results["frames seen"] = seen_frames


class Spoofing(Exercise):
    def collect(self, inputs, *answers):
        return fake_collect(self, inputs, *answers)


results["another base for an exercise"] = refused(
    lambda: setattr(type(lesson01.square_model), "__bases__", (Spoofing,)))
results["another class for a kernel module"] = refused(
    lambda: setattr(np, "__class__", type("Lying", (type(np),), {})))


def signal_while_probed():
    """An answer whose alarm fires while the probe runs: its handler must not see the guard's frames."""
    def handler(number, frame):
        names = []
        while frame is not None:
            names.append(frame.f_code.co_name)
            frame = frame.f_back
        seen_frames["signal handler"] = "run_check" in names
    signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, 0.05)
    time.sleep(0.2)
    return right()


results["an alarm while probed"] = checked(signal_while_probed)
signal.signal(signal.SIGALRM, signal.SIG_DFL)
results["signal.getsignal"] = str(signal.getsignal(signal.SIGALRM))

results["gc.get_objects"] = refused(lambda: __import__("gc").get_objects())
results["gc.get_referrers"] = refused(lambda: __import__("gc").get_referrers(exercise))
results["ctypes.string_at"] = refused(lambda: __import__("ctypes").string_at(id(results), 8))
results["sys.settrace"] = refused(lambda: sys.settrace(lambda *a: None))
results["sys.setprofile"] = refused(lambda: sys.setprofile(lambda *a: None))
heard = []
sys.addaudithook(lambda event, args: heard.append(event))
sys.audit("course.test")
results["sys.addaudithook"] = "refused" if not heard else "allowed"
results["replacing __code__"] = refused(lambda: setattr(right, "__code__", wrong.__code__))
results["exec"] = refused(lambda: exec("caller = lambda: __import__('sys')._getframe(1)", vars(keras)))
results["a function in Keras's namespace"] = refused(lambda: type(right)(right.__code__, vars(keras)))
results["sys.gettrace"] = "hidden" if sys.gettrace() is None else "shown"

sleeper = threading.Thread(target=time.sleep, args=(3,))
sleeper.start()
results["a thread running"] = checked()
sleeper.join()
results["after the thread"] = checked()
results["the key file"] = os.path.exists(sys.argv[1])
results["honest at the end"] = checked()
print(json.dumps(results))

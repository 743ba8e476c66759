"""Mutation testing of the hidden checks: every small change to a reference answer must fail its check.

Each answer cell of a lesson's source notebook is mutated automatically, one
change at a time, inside its ``### BEGIN SOLUTION`` / ``### END SOLUTION``
regions and in the defaults of the signature the notebook gives. Each mutant
runs in-process (:func:`tests.inprocess.run_cells`) from the namespace the
reference had just before that cell, with the cells after it, up to and
including the exercise's own hidden test; it is *killed* when that test
raises, and *survives* otherwise. A later exercise failing does not count:
the verdict must be given in the right place.

The operators are mutmut's own (``mutmut.mutation.mutators``: numbers + 1,
strings, True/False, operator and comparison swaps, arguments replaced by
None or removed, assignments to None, ``not`` removed), driven here on the
cell's source with libcst, the library mutmut itself uses. mutmut has no
entry point that mutates a source string without its trampolines and test
runner, and it lacks operators this course needs, so a few are added below
as libcst transformations of the same shape: numbers - 1 and 0, removed
statements, removed ``return``, ``super().__init__(**kwargs)`` without its
``**kwargs``, keyword arguments removed even when alone, swapped positional
arguments and changed defaults, and the kinds of mistake issue 23 found
alive: another float dtype, a mean for a sum (and back), an ``add_loss``
term under ``stop_gradient`` and a ``training`` flag flipped.

A surviving mutant that behaves as the exercise text allows is recorded in
``tests/equivalent_mutants.toml`` with a one-line reason, keyed by lesson,
exercise and :attr:`MutantCode.key` (operator and changed lines).
"""
import contextlib
import copy
import dataclasses
import difflib
import io
import signal
import tomllib
from pathlib import Path

import keras
import numpy as np
import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider
from mutmut.mutation.mutators import mutation_operators

from tests import inprocess

EQUIVALENTS_FILE = Path(__file__).with_name("equivalent_mutants.toml")
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
SECONDS_PER_MUTANT = 120  # a mutant that runs longer (e.g. 10x the epochs) counts as killed: grading times out


# ------------------------------------------------------------ the course's own operators

def _number(node):
    """Numbers - 1 and 0 (mutmut already gives + 1)."""
    if isinstance(node, (cst.Integer, cst.Float)):
        value = node.evaluated_value
        for new in (value - 1, type(value)(0)):
            if new != value and new >= 0:
                yield node.with_changes(value=repr(new))


def _return(node):
    """``return x`` -> ``x``: the value is computed but not returned."""
    if node.value is not None:
        yield cst.Expr(node.value)


def _without_keywords(node):
    """Each keyword argument left out, also when it is the only argument."""
    for i, arg in enumerate(node.args):
        if arg.keyword is not None or arg.star == "**":
            yield node.with_changes(args=[*node.args[:i], *node.args[i + 1:]])


def _swapped_arguments(node):
    """Two neighbouring positional arguments swapped."""
    for i in range(len(node.args) - 1):
        first, second = node.args[i], node.args[i + 1]
        if first.keyword is None and second.keyword is None and not first.star and not second.star:
            yield node.with_changes(args=[*node.args[:i], second.with_changes(comma=first.comma),
                                          first.with_changes(comma=second.comma), *node.args[i + 2:]])


def _swapped_operands(node):
    """``a - b`` -> ``b - a`` for the operators where order matters."""
    if isinstance(node.operator, (cst.Subtract, cst.Divide, cst.MatrixMultiply, cst.Power)):
        yield node.with_changes(left=node.right, right=node.left)


FLOAT_TYPES = ('"float16"', '"float32"', '"float64"')
REDUCTIONS = {"sum": "mean", "mean": "sum", "reduce_sum": "reduce_mean", "reduce_mean": "reduce_sum"}


def _float_type(node):
    """A float dtype name swapped for the others (a float64 answer gets float32 values right)."""
    if isinstance(node, cst.SimpleString) and node.value.replace("'", '"') in FLOAT_TYPES:
        for other in FLOAT_TYPES:
            if other != node.value.replace("'", '"'):
                yield node.with_changes(value=other)


def _reduction(node):
    """``ops.sum`` <-> ``ops.mean`` (and ``tf.reduce_sum`` <-> ``tf.reduce_mean``): a mean instead of a sum."""
    if isinstance(node.func, cst.Attribute) and node.func.attr.value in REDUCTIONS:
        attr = node.func.attr.with_changes(value=REDUCTIONS[node.func.attr.value])
        yield node.with_changes(func=node.func.with_changes(attr=attr))


def _gradient_stopped(node):
    """``add_loss(v)`` -> ``add_loss(keras.ops.stop_gradient(v))``: the right value that nothing trains on."""
    if isinstance(node.func, cst.Attribute) and node.func.attr.value == "add_loss" and node.args:
        stopped = cst.parse_expression("keras.ops.stop_gradient(0)").with_changes(
            args=[cst.Arg(node.args[0].value)])
        yield node.with_changes(args=[node.args[0].with_changes(value=stopped), *node.args[1:]])


def _training_flag(node):
    """``training=x`` -> ``training=not x``: the other mode."""
    for i, arg in enumerate(node.args):
        if arg.keyword is not None and arg.keyword.value == "training":
            flipped = arg.with_changes(value=cst.UnaryOperation(cst.Not(), arg.value))
            yield node.with_changes(args=[*node.args[:i], flipped, *node.args[i + 1:]])


OPERATORS = {
    **{f"mutmut:{function.__name__.removeprefix('operator_')}": (kind, function)
       for kind, function in mutation_operators},
    "number-1-or-0": (cst.BaseNumber, _number),
    "return-removed": (cst.Return, _return),
    "keyword-removed": (cst.Call, _without_keywords),
    "arguments-swapped": (cst.Call, _swapped_arguments),
    "operands-swapped": (cst.BinaryOperation, _swapped_operands),
    "float-type-changed": (cst.SimpleString, _float_type),
    "mean-sum-swapped": (cst.Call, _reduction),
    "gradient-stopped": (cst.Call, _gradient_stopped),
    "training-flipped": (cst.Call, _training_flag),
}


# ------------------------------------------------------------ generating mutants

@dataclasses.dataclass(frozen=True)
class MutantCode:
    """One mutant of an answer cell: the operator, the whole new cell, and the lines it changed."""

    operator: str
    scope: str
    source: str
    old: str
    new: str
    occurrence: int = 1  # the n-th mutant with the same operator, scope and lines (a line written twice)

    @property
    def key(self):
        """A stable name: the operator, the function it is in and the changed lines, whitespace-trimmed."""
        again = f" (#{self.occurrence})" if self.occurrence > 1 else ""
        return f"{self.operator} in {self.scope}: {self.old} => {self.new}{again}"


def _solution_lines(source):
    """Line numbers (1-based) strictly inside BEGIN/END SOLUTION markers."""
    lines, inside, keep = source.splitlines(), False, set()
    for number, line in enumerate(lines, start=1):
        if line.strip() == BEGIN:
            inside = True
        elif line.strip() == END:
            inside = False
        elif inside:
            keep.add(number)
    return keep


class _Mutable(cst.CSTVisitor):
    """Collects the nodes that may be mutated: those on solution lines, parameter defaults and ``super()`` calls."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, lines):
        super().__init__()
        self.lines, self.nodes, self._given, self._scope = lines, [], 0, []

    def _inside(self, node):
        where = self.get_metadata(PositionProvider, node)
        return self._given > 0 or (where.start.line in self.lines and where.end.line in self.lines)

    @staticmethod
    def _given_but_mutable(node):
        """Parts of the given code a student may still get wrong: defaults and calls to ``super()``."""
        return ((isinstance(node, cst.Param) and node.default is not None)
                or (isinstance(node, cst.SimpleStatementLine) and "super()" in cst.Module([node]).code))

    def on_visit(self, node):
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            self._scope.append(node.name.value)
        if self._given_but_mutable(node):
            self._given += 1
        if self._inside(node):
            self.nodes.append((".".join(self._scope), node))
        return True

    def on_leave(self, node):
        if self._given_but_mutable(node):
            self._given -= 1
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            self._scope.pop()


def _statements(nodes):
    """Statement-removal mutants: each simple statement on a solution line becomes ``pass``."""
    for scope, node in nodes:
        if isinstance(node, cst.SimpleStatementLine):
            yield "statement-removed", scope, node, node.with_changes(body=[cst.Pass()])


def _changed_lines(old, new):
    before, after = [], []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        if line.startswith("- "):
            before.append(line[2:].strip())
        elif line.startswith("+ "):
            after.append(line[2:].strip())
    return " / ".join(before), " / ".join(after)


def mutants_of(source):
    """Every mutant of an answer cell's source, without duplicates and without syntax errors."""
    wrapper = MetadataWrapper(cst.parse_module(source))
    finder = _Mutable(_solution_lines(source))
    wrapper.visit(finder)
    module = wrapper.module

    def candidates():
        for scope, node in finder.nodes:
            for name, (kind, operator) in OPERATORS.items():
                if isinstance(node, kind):
                    for mutated in operator(node):
                        yield name, scope, node, mutated
        yield from _statements(finder.nodes)

    seen, found = {source}, []
    for name, scope, node, mutated in candidates():
        try:
            code = module.deep_replace(node, mutated).code
            compile(code, "<mutant>", "exec")
        except Exception:  # an operator made code that cannot exist: not a mutant a student could write
            continue
        if code not in seen:
            seen.add(code)
            mutant = MutantCode(name, scope or "the cell", code, *_changed_lines(source, code))
            twins = sum(m.key == mutant.key for m in found)
            found.append(dataclasses.replace(mutant, occurrence=twins + 1) if twins else mutant)
    return found


# ------------------------------------------------------------ running them

@dataclasses.dataclass(frozen=True)
class Outcome:
    exercise: str
    mutant: MutantCode
    error: BaseException | None

    @property
    def killed(self):
        return self.error is not None


class _TimedOut(Exception):
    """The mutant ran past :data:`SECONDS_PER_MUTANT`."""


def _on_alarm(signum, frame):
    raise _TimedOut(f"longer than {SECONDS_PER_MUTANT} s")


def _is_answer(cell):
    return cell.cell_type == "code" and inprocess._nbgrader(cell).get("solution") and BEGIN in cell.source


def _exercise_after(cells, index):
    """The key of the hidden test that judges the answer cell at ``index``: its own, or the next one."""
    own = f"test_{inprocess._nbgrader(cells[index])['grade_id']}"
    tests = [inprocess._nbgrader(c)["grade_id"] for c in cells[index:] if inprocess._is_hidden_test(c)]
    return (own if own in tests else tests[0]).removeprefix("test_")


def _run_quietly(cells, namespace, stop_after, fresh=True):
    """Run ``cells`` with their output swallowed; ``fresh`` starts from a cleared session and seed 0."""
    if fresh:
        keras.backend.clear_session()
        keras.utils.set_random_seed(0)
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(SECONDS_PER_MUTANT)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            return inprocess.run_cells(cells, namespace, stop_after)
    except _TimedOut as error:
        return {stop_after: error}
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _branch(namespace):
    """A copy of the namespace in which random generators start where the reference's are."""
    return {name: copy.deepcopy(value) if isinstance(value, np.random.Generator) else value
            for name, value in namespace.items()}


def _test_index(cells, exercise):
    return next(i for i, c in enumerate(cells)
                if inprocess._is_hidden_test(c) and inprocess._nbgrader(c)["grade_id"] == f"test_{exercise}")


def run_lesson(lesson, exercises=None, report=None):
    """Mutate every answer cell of ``lesson`` (or only those judged by ``exercises``); return the outcomes.

    The reference runs once, cell by cell; before each answer cell, each of its
    mutants runs in a copy of the reference's namespace. ``report(outcome)``
    is called as each mutant finishes.
    """
    cells = inprocess.source_notebook(lesson).cells
    judged = {i: _exercise_after(cells, i) for i, cell in enumerate(cells) if _is_answer(cell)}
    wanted = {i: e for i, e in judged.items() if exercises is None or e in exercises}
    last = max(_test_index(cells, e) for e in wanted.values())
    namespace, outcomes = {"__name__": "__main__"}, []
    keras.backend.clear_session()
    for index, cell in enumerate(cells[:last + 1]):
        if index in wanted:
            exercise = wanted[index]
            for mutant in mutants_of(cell.source):
                changed = cell.copy()
                changed.source = mutant.source
                cells_to_run = [changed, *cells[index + 1:_test_index(cells, exercise) + 1]]
                result = _run_quietly(cells_to_run, _branch(namespace), exercise)
                outcomes.append(Outcome(exercise, mutant, result.get(exercise, RuntimeError("test not run"))))
                if report:
                    report(outcomes[-1])
        _run_quietly([cell], namespace, None, fresh=False)
    return outcomes


# ------------------------------------------------------------ the reviewed list of equivalent mutants

def equivalents():
    """``{(lesson, exercise, mutant key): reason}`` from the reviewed list."""
    with open(EQUIVALENTS_FILE, "rb") as file:
        entries = tomllib.load(file).get("equivalent", [])
    return {(e["lesson"], e["exercise"], e["mutant"]): e["reason"] for e in entries}


def survivors(lesson, outcomes, known=None):
    """The mutants that survived and are not in the list of equivalent mutants."""
    known = equivalents() if known is None else known
    return [o for o in outcomes if not o.killed and (lesson, o.exercise, o.mutant.key) not in known]

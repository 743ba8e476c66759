"""The mutant generator of tests/mutation.py: what it mutates, what it leaves alone, and the reviewed list."""
from course.lessons import lesson_ids
from tests import mutation

CELL = '''class Layer(Base):
    def __init__(self, units, scale=2.0, **kwargs):
        super().__init__(**kwargs)
        self.note = "given, not an answer"
        ### BEGIN SOLUTION
        self.units = units
        ### END SOLUTION

    def call(self, x):
        ### BEGIN SOLUTION
        return ops.concatenate([x - 1, x], axis=-1)
        ### END SOLUTION
'''


def _keys():
    return {m.key for m in mutation.mutants_of(CELL)}


def test_mutants_of_the_solution_lines_by_each_kind_of_operator():
    keys = _keys()
    expected = [
        "mutmut:swap_op in Layer.call: return ops.concatenate([x - 1, x], axis=-1) => "
        "return ops.concatenate([x + 1, x], axis=-1)",
        "number-1-or-0 in Layer.call: return ops.concatenate([x - 1, x], axis=-1) => "
        "return ops.concatenate([x - 0, x], axis=-1)",
        "return-removed in Layer.call: return ops.concatenate([x - 1, x], axis=-1) => "
        "ops.concatenate([x - 1, x], axis=-1)",
        "mutmut:arg_removal in Layer.call: return ops.concatenate([x - 1, x], axis=-1) => "
        "return ops.concatenate([x - 1, x], )",
        "mutmut:swap_op in Layer.call: return ops.concatenate([x - 1, x], axis=-1) => "
        "return ops.concatenate([x - 1, x], axis=+1)",
        "operands-swapped in Layer.call: return ops.concatenate([x - 1, x], axis=-1) => "
        "return ops.concatenate([1 - x, x], axis=-1)",
        "statement-removed in Layer.__init__: self.units = units => pass",
        "mutmut:number in Layer.__init__: def __init__(self, units, scale=2.0, **kwargs): => "
        "def __init__(self, units, scale=3.0, **kwargs):",
        "keyword-removed in Layer.__init__: super().__init__(**kwargs) => super().__init__()",
        "statement-removed in Layer.__init__: super().__init__(**kwargs) => pass",
    ]
    assert [key for key in expected if key not in keys] == []


def test_given_code_outside_the_solution_is_not_mutated():
    assert not [key for key in _keys() if "given, not an answer" in key]


def test_every_mutant_compiles_and_differs_from_the_cell():
    mutants = mutation.mutants_of(CELL)
    assert mutants and all(m.source != CELL for m in mutants)
    for m in mutants:
        compile(m.source, "<mutant>", "exec")


def test_every_equivalent_mutant_names_a_lesson_and_gives_a_reason():
    known = mutation.equivalents()
    assert known
    assert {lesson for lesson, _, _ in known} <= set(lesson_ids())
    assert all(reason.strip().endswith(".") for reason in known.values())


def test_the_operators_of_issue_23_make_their_mistakes():
    cell = ('def call(self, x):\n    ### BEGIN SOLUTION\n    self.add_loss(self.lam * ops.sum(x ** 2))\n'
            '    return model(ops.cast(x, "float32"), training=True)\n    ### END SOLUTION\n')
    keys = {m.key for m in mutation.mutants_of(cell)}
    expected = [
        "gradient-stopped in call: self.add_loss(self.lam * ops.sum(x ** 2)) => "
        "self.add_loss(keras.ops.stop_gradient(self.lam * ops.sum(x ** 2)))",
        "mean-sum-swapped in call: self.add_loss(self.lam * ops.sum(x ** 2)) => self.add_loss(self.lam * ops.mean(x ** 2))",
        'float-type-changed in call: return model(ops.cast(x, "float32"), training=True) => '
        'return model(ops.cast(x, "float64"), training=True)',
        'training-flipped in call: return model(ops.cast(x, "float32"), training=True) => '
        'return model(ops.cast(x, "float32"), training=not True)',
    ]
    assert [key for key in expected if key not in keys] == []

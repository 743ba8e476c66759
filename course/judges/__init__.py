"""The grader side of the hidden tests: one module per lesson, each exercise's judge.

A judge subclasses the exercise of the same name in ``grader_tests.lessonNN``
(the kernel side, which draws the inputs and probes the student's code) and
adds ``judge(inputs, evidence)``, with the trusted reference computations it
needs. Nothing here is visible to a student's kernel (see :mod:`course.sandbox`).
"""
from grader_tests.exercise import Exercise


def judges_of(module):
    """The judges a ``course.judges`` module defines, by exercise key."""
    return {cls.key: cls() for cls in vars(module).values()
            if isinstance(cls, type) and issubclass(cls, Exercise) and cls.__module__ == module.__name__}

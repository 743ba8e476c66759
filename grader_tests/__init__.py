"""Hidden-test logic for the course, one module per lesson (``lessonNN``).

Each graded exercise is an :class:`grader_tests.exercise.Exercise`. The
locked test cell of a notebook calls ``lessonNN.<key>.check(answer)``; the
exercise's ``key`` is the test cell's ``grade_id`` without its ``test_``
prefix.
"""

"""``python -m grader_tests.guarded_kernel -f CONNECTION_FILE``: the IPython kernel of a grading run.

The guard (:mod:`grader_tests.guard`) is installed first, before IPython and before
any student code; then the kernel starts as ``python -m ipykernel_launcher`` would,
without its debugger (debugpy traces every frame, which the guard forbids).
"""
import os
import runpy
import sys

from grader_tests import guard

sys.modules["debugpy"] = None  # ipykernel then runs without a debugger

guard.install(os.environ.pop(guard.KEY_FILE_VARIABLE))
del guard
runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)

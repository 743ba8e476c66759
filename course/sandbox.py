"""Run a student's kernel in a sandbox while nbgrader grades it.

The kernel is the only process that runs student code. It is started as::

    prlimit --data=LIMIT -- bwrap <mounts> -- python -m ipykernel_launcher ...

* ``prlimit --data`` caps the kernel's heap, so a memory bomb raises
  ``MemoryError`` in the student's cell instead of taking the machine down.
* ``bwrap`` (bubblewrap), when installed, gives the kernel a read-only view of
  the machine with no network (own network namespace), no view of other
  processes (own PID namespace), an empty ``/tmp``, and empty folders in place
  of the paths the grader hides: the repository (but for the ``utils`` and
  ``grader_tests`` packages that notebooks import), the grading output
  (gradebooks, other students' results and work folders) and the folder of
  submissions. Only the student's own work folder, the hidden tests' evidence
  folder and the kernel's connection folder are writable.

Because the kernel has its own network namespace, it talks to nbgrader over
Unix sockets (ZeroMQ ``ipc`` transport) in the connection folder instead of
TCP. The hidden-test *logic* (``grader_tests/``) stays readable, as the tests
must import it; the verdicts are decided again outside the kernel
(:mod:`course.grade_worker`), so reading or patching it gains nothing.
"""
import copy
import functools
import os
import shutil
import subprocess
import uuid

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.paths import jupyter_runtime_dir
from nbclient.exceptions import DeadKernelError
from nbclient.util import run_sync
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Integer, List, Unicode, default

DEFAULT_MEMORY_LIMIT_GB = 4.0
KERNEL_DIED = ("the Python kernel died while running this cell (os._exit, a crash, or too much memory); "
               "the cells after it were graded in a new kernel")


@functools.cache
def bubblewrap_works():
    """True when ``bwrap`` is installed and may create namespaces here."""
    if shutil.which("bwrap") is None:
        return False
    probe = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-net",
             "--unshare-pid", "--", "true"]
    return subprocess.run(probe, capture_output=True).returncode == 0


def bubblewrap_args(hidden, writable, workdir, readable=()):
    """The ``bwrap`` command line up to its ``--``. Mounts are applied in order:
    ``hidden`` paths become empty, then ``readable`` and ``writable`` ones under them are put back."""
    args = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
            "--unshare-net", "--unshare-pid", "--unshare-ipc", "--die-with-parent",
            # ipykernel exits when its parent seems gone; in a PID namespace its parent is bwrap's init.
            "--unsetenv", "JPY_PARENT_PID",
            # the home folder is read-only: caches go to the sandbox's own /tmp
            "--setenv", "IPYTHONDIR", "/tmp/ipython", "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib"]
    for path in hidden:
        if os.path.exists(path):
            args += ["--tmpfs", path]
    for path in readable:
        args += ["--ro-bind", path, path]
    for path in writable:
        args += ["--bind", path, path]
    return args + ["--chdir", workdir, "--"]


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs under :func:`bubblewrap_args` and a memory limit."""

    hidden = List(Unicode(), help="paths the kernel sees as empty folders").tag(config=True)
    readable = List(Unicode(), help="paths inside hidden ones the kernel may read").tag(config=True)
    writable = List(Unicode(), help="paths the kernel may write (bound in after hiding)").tag(config=True)
    workdir = Unicode(help="the kernel's working folder").tag(config=True)
    memory_limit_bytes = Integer(int(DEFAULT_MEMORY_LIMIT_GB * 2**30)).tag(config=True)

    @default("connection_file")
    def _connection_file_in_runtime_dir(self):
        # not in /tmp, which the sandbox replaces with an empty one
        return os.path.join(jupyter_runtime_dir(), f"kernel-{uuid.uuid4()}.json")

    def format_kernel_cmd(self, extra_arguments=None):
        command = super().format_kernel_cmd(extra_arguments)
        prefix = ["prlimit", f"--data={self.memory_limit_bytes}", "--"]
        if bubblewrap_works():
            prefix += bubblewrap_args(self.hidden, self.writable, self.workdir, self.readable)
            # A SIGINT to the kernel's process group would stop bwrap itself (and so the
            # kernel); ask the kernel to interrupt itself instead.
            self.kernel_spec.interrupt_mode = "message"
        return prefix + command


class SandboxedExecute(Execute):
    """nbgrader's Execute step with :class:`SandboxedKernelManager` (nbgrader hard-codes its own),
    which survives a kernel that dies.

    nbgrader gives up on the whole notebook when the kernel dies (``os._exit``, a
    segfault, the memory limit). Here the cell that killed it gets an error
    output saying so; a new kernel runs the earlier code cells again, quietly,
    and grading goes on with the next cell, so the rest of the work still counts.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)
        super().__init__(**kwargs)
        self._killers = set()

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        try:
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        except DeadKernelError:
            self._killers.add(cell_index)
            cell.outputs = [new_output("error", ename="KernelDied", evalue=KERNEL_DIED, traceback=[KERNEL_DIED])]
            await self._start_again(cell_index)
            return cell

    execute_cell = run_sync(async_execute_cell)  # nbconvert calls the synchronous one

    async def _start_again(self, cell_index):
        self.kc.stop_channels()
        await self.km.restart_kernel(now=True)
        await self.async_start_new_kernel_client()
        for index, earlier in enumerate(self.nb.cells[:cell_index]):
            if earlier.cell_type == "code" and index not in self._killers:
                await super().async_execute_cell(copy.deepcopy(earlier), index, store_history=False)


def configure(c, *, hidden, readable, writable, workdir, memory_limit_gb=DEFAULT_MEMORY_LIMIT_GB):
    """Point an nbgrader config at the sandboxed executor (``c.Autograde.autograde_preprocessors``
    must already be the course's list)."""
    steps = list(c.Autograde.autograde_preprocessors)
    steps[steps.index("nbgrader.preprocessors.Execute")] = "course.sandbox.SandboxedExecute"
    c.Autograde.autograde_preprocessors = steps
    manager = c.SandboxedKernelManager
    manager.hidden = [str(p) for p in hidden]
    manager.readable = [str(p) for p in readable]
    manager.writable = [str(p) for p in writable]
    manager.workdir = str(workdir)
    manager.memory_limit_bytes = int(memory_limit_gb * 2**30)
    if bubblewrap_works():
        manager.transport = "ipc"

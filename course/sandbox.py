"""Start a student's kernel in a sandbox.

The kernel is the only process that runs student code. Its command line is::

    [join the kernel's cgroup] prlimit ... -- bwrap <allow-list> -- [setpriv <kernel user>] env -i ... python -m grader_tests.guarded_kernel ...

* ``bwrap`` (bubblewrap) builds a file system for the kernel from an
  allow-list: the system folders, read-only; the Python it runs (prefix,
  base prefix and every ``sys.path`` folder, wherever they live: a venv under
  ``/tmp`` or in the repository's ``.venv`` works, and is then all the kernel
  sees of the repository besides); the kernel-side course packages
  (``utils`` and ``grader_tests``); Fashion-MNIST; and, writable, only the
  hidden tests' evidence folder and the connection folder. Its working folder
  and ``/tmp`` are size-limited in-memory file systems. Nothing else of the
  machine exists for it: not the repository's ``solutions/``, not the grading
  output, not other submissions, not other checkouts. It has no network (own
  network namespace), sees no other process (own PID namespace, so every
  process it starts dies with it) and starts a new terminal session.
* When grading as root, the kernel then becomes a user of its own with no
  capabilities and no way to gain any (:class:`course.kernel_limits.KernelUser`);
  not as root, bubblewrap runs unprivileged and gives it none either.
* ``prlimit`` caps each process's heap (a memory bomb raises ``MemoryError``
  in the student's cell), file size and, for a kernel user, its process count;
  a control group caps the memory and processes of the whole tree where the
  machine allows one (:class:`course.kernel_limits.KernelGroup`).
* ``env -i`` gives the kernel only the variables it needs: never the grading
  seed, which reaches the hidden tests only when they run
  (:mod:`course.hidden_seed`).
* The kernel is IPython's, started by :mod:`grader_tests.guarded_kernel`, which
  first installs the guard that runs and signs the hidden tests
  (:mod:`grader_tests.guard`). Its key, new for each notebook, is written
  before each start into a file of the connection folder that the guard
  deletes as soon as it has read it.

Because the kernel has its own network namespace, it talks to nbgrader over
Unix sockets (ZeroMQ ``ipc`` transport) in the connection folder instead of TCP.

Without bubblewrap, :func:`course.grading.grade` refuses to run unless told
``--no-sandbox``; the kernel then still runs as a kernel user (as root), in
its own process group, with the same limits and environment.
"""
import functools
import os
import secrets
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.paths import jupyter_runtime_dir
from traitlets import Bool, Bytes, Dict, Integer, List, Unicode, default

from course import kernel_limits
from course.lessons import REPO_ROOT
from grader_tests.guard import KEY_FILE_VARIABLE, MAC_BYTES

DEFAULT_MEMORY_LIMIT_GB = 4.0
SCRATCH_BYTES = 512 * 2**20  # the kernel's /tmp and working folder, each
SHARED_MEMORY_BYTES = 64 * 2**20  # /dev/shm, for multiprocessing's semaphores
MAX_FILE_BYTES = 256 * 2**20
MAX_PROCESSES = 1024  # threads count: TensorFlow starts a few dozen
KERNEL_WORKDIR = "/home/student"
SYSTEM_FOLDERS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
KERNEL_SIDE_PACKAGES = ("utils", "grader_tests")
# The grader's variables a kernel may see; every other one is left out.
KERNEL_VARIABLES = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "PYTHONPATH", "MPLBACKEND", "KERAS_BACKEND",
                    "OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "TF_CPP_MIN_LOG_LEVEL",
                    "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "COURSE_QUICK_RUN", "NBGRADER_EXECUTION",
                    "COURSE_EVIDENCE_DIR", "COURSE_LANGUAGE")


@functools.cache
def bubblewrap_works():
    """True when ``bwrap`` is installed and may build the sandbox here (namespaces allowed)."""
    if shutil.which("bwrap") is None:
        return False
    probe = ["bwrap", *_system_mounts(), "--unshare-net", "--unshare-pid", "--unshare-ipc",
             "--new-session", "--", "true"]
    return subprocess.run(probe, capture_output=True).returncode == 0


def _system_mounts():
    args = ["--dev", "/dev", "--proc", "/proc"]
    for folder in SYSTEM_FOLDERS:
        if os.path.islink(folder):  # merged /usr: /bin -> usr/bin
            args += ["--symlink", os.readlink(folder), folder]
        elif os.path.isdir(folder):
            args += ["--ro-bind", folder, folder]
    return args


def _inside(path, folder):
    return Path(path) == Path(folder) or Path(folder) in Path(path).parents


def _both_paths(folder):
    return {os.path.abspath(folder), os.path.realpath(folder)}


def python_folders(hidden=()):
    """The folders the kernel's Python needs, wherever they are: its prefixes and ``sys.path``.

    A folder that holds the repository or a hidden path (a ``sys.path`` entry
    such as the repository root itself), or lies inside a hidden path, is left
    out: the kernel-side packages are added one by one instead. Of the
    repository's own folders, only a venv made in it (the README's ``.venv``)
    is kept: a ``sys.path`` entry such as ``bench/`` is not.
    """
    hidden = [Path(h) for h in hidden]
    venv = _both_paths(sys.prefix) | _both_paths(sys.exec_prefix)
    candidates = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                  os.path.dirname(os.path.realpath(sys.executable)), *sys.path}
    folders = set()
    for folder in candidates:
        if not folder or not os.path.isdir(folder):
            continue
        for path in _both_paths(folder):
            holds_hidden = any(_inside(h, path) for h in [REPO_ROOT, *hidden])
            in_repository = _inside(path, REPO_ROOT) and not any(_inside(path, v) for v in venv)
            if not holds_hidden and not in_repository and not any(_inside(path, h) for h in hidden):
                folders.add(path)
    return sorted(folders)


def kernel_side_folders():
    """The repository folders the kernel may read: the packages notebooks import."""
    return [str(REPO_ROOT / name) for name in KERNEL_SIDE_PACKAGES]


def dataset_mounts():
    """``{folder on this machine: folder in the sandbox}`` for Fashion-MNIST's copies."""
    from utils.data import DEBIAN_DIR

    mounts = {}
    if DEBIAN_DIR.is_dir():
        mounts[str(DEBIAN_DIR)] = str(DEBIAN_DIR)
    cache = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets" / "fashion-mnist"
    if cache.is_dir():  # where the kernel, whose home is /tmp, looks for Keras's cache
        mounts[str(cache)] = "/tmp/.keras/datasets/fashion-mnist"
    return mounts


def _parents(path):
    return [str(p) for p in reversed(Path(path).parents) if str(p) != "/"]


def bubblewrap_args(readable, writable, data=None, scratch_bytes=SCRATCH_BYTES):
    """The ``bwrap`` command line up to its ``--``: the kernel's whole file system. Its working
    folder is an empty :data:`KERNEL_WORKDIR`, so that no path of the grader's shows."""
    args = ["bwrap", "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session", *_system_mounts(),
            "--perms", "1777", "--size", str(scratch_bytes), "--tmpfs", "/tmp",
            "--perms", "1777", "--size", str(SHARED_MEMORY_BYTES), "--tmpfs", "/dev/shm"]
    made = set()
    mounts = [(path, path, "--ro-bind") for path in readable]
    mounts += [(source, target, "--ro-bind") for source, target in (data or {}).items()]
    mounts += [(path, path, "--bind") for path in writable]
    # Parents first, so that a folder inside another one is mounted over it.
    for source, target, kind in sorted(mounts, key=lambda m: len(Path(m[1]).parts)):
        for parent in _parents(target):
            if parent not in made and not any(_inside(parent, f) for f in SYSTEM_FOLDERS):
                args += ["--perms", "0755", "--dir", parent]
                made.add(parent)
        args += [kind, source, target]
    args += ["--perms", "1777", "--size", str(scratch_bytes), "--tmpfs", KERNEL_WORKDIR, "--chdir", KERNEL_WORKDIR]
    return args + ["--"]


def kernel_environment(home):
    """The kernel's variables: the allowed ones of this process, and its own folders."""
    env = {name: os.environ[name] for name in KERNEL_VARIABLES if name in os.environ}
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "/usr/bin:/bin")])
    env.update(HOME=home, IPYTHONDIR=f"{home}/.ipython", MPLCONFIGDIR=f"{home}/.matplotlib")
    return env


def guarded(command):
    """The kernel's command line with IPython's kernel started by :mod:`grader_tests.guarded_kernel`."""
    if "ipykernel_launcher" not in command:
        raise RuntimeError(f"the python3 kernel spec does not start ipykernel_launcher: {command}")
    return [("grader_tests.guarded_kernel" if part == "ipykernel_launcher" else part) for part in command]


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager that starts its kernel as the module docstring says, and kills
    the kernel's whole tree when the kernel stops."""

    sandboxed = Bool(True, help="build the bubblewrap sandbox (False: --no-sandbox)").tag(config=True)
    readable = List(Unicode(), help="folders the kernel may read").tag(config=True)
    writable = List(Unicode(), help="folders the kernel may write").tag(config=True)
    data = Dict(help="folders to show the kernel elsewhere: {source: target}").tag(config=True)
    workdir = Unicode(help="the kernel's working folder without the sandbox (its home then)").tag(config=True)
    memory_limit_bytes = Integer(int(DEFAULT_MEMORY_LIMIT_GB * 2**30)).tag(config=True)

    _user = None
    _group = None
    guard_key = Bytes(help="the key the kernel's guard signs evidence with (new for each manager)")

    @default("guard_key")
    def _new_guard_key(self):
        return secrets.token_bytes(MAC_BYTES)

    @default("connection_file")
    def _connection_file_in_runtime_dir(self):
        # not in /tmp, which the sandbox replaces with an empty one
        return os.path.join(jupyter_runtime_dir(), f"kernel-{uuid.uuid4()}.json")

    def _limits(self):
        if self._group is None:
            self._group = kernel_limits.KernelGroup(self.memory_limit_bytes + 2 * SCRATCH_BYTES, MAX_PROCESSES)
        if self._user is None and kernel_limits.running_as_root():
            self._user = kernel_limits.KernelUser()
            for folder in self.writable:
                self._user.give(folder)

    def write_connection_file(self, **kwargs):
        super().write_connection_file(**kwargs)
        self._limits()
        if self._user is not None:
            os.chown(self.connection_file, self._user.uid, self._user.uid)

    def format_kernel_cmd(self, extra_arguments=None):
        command = super().format_kernel_cmd(extra_arguments)
        self._limits()
        limits = [f"--data={self.memory_limit_bytes}", f"--fsize={MAX_FILE_BYTES}"]
        if self._user is not None:
            limits.append(f"--nproc={MAX_PROCESSES}")
        prefix = [*self._group.join_command(), "prlimit", *limits, "--"]
        if self.sandboxed:
            prefix += bubblewrap_args(self.readable, self.writable, self.data)
            home = "/tmp"
        else:
            home = self.workdir
        if self._user is not None:
            prefix += self._user.switch_command()
        variables = {**kernel_environment(home), KEY_FILE_VARIABLE: self._write_guard_key()}
        prefix += ["env", "-i", *(f"{k}={v}" for k, v in variables.items())]
        # A SIGINT to the kernel's process group would stop bwrap or setpriv's child
        # wrappers; ask the kernel to interrupt itself instead.
        self.kernel_spec.interrupt_mode = "message"
        return prefix + guarded(command)

    def _write_guard_key(self):
        """A file of the connection folder (which the kernel sees at the same path) holding the key."""
        path = os.path.join(os.path.dirname(self.connection_file), f"guard-{uuid.uuid4()}.key")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(self.guard_key)
        if self._user is not None:
            os.chown(path, self._user.uid, self._user.uid)
        return path

    def _kill_tree(self):
        if self._group is not None:
            self._group.kill_all()
        if self._user is not None:
            self._user.kill_all()

    async def _async_cleanup_resources(self, restart=False):
        self._kill_tree()
        if not restart:
            if self._group is not None:
                self._group.remove()
                self._group = None
            if self._user is not None:
                self._user.release()
                self._user = None
        await super()._async_cleanup_resources(restart=restart)

    cleanup_resources = _async_cleanup_resources


def configure_kernels(c, *, readable, writable, workdir, hidden=(), memory_limit_gb=DEFAULT_MEMORY_LIMIT_GB,
                      sandboxed=True):
    """Set the :class:`SandboxedKernelManager` of config ``c``; ``readable`` adds to the
    Python and course folders; ``hidden`` are folders no Python folder may hold."""
    manager = c.SandboxedKernelManager
    manager.sandboxed = sandboxed
    manager.readable = [*python_folders(hidden), *kernel_side_folders(), *map(str, readable)]
    manager.writable = [str(p) for p in writable]
    manager.data = dataset_mounts()
    manager.workdir = str(workdir)
    manager.memory_limit_bytes = int(memory_limit_gb * 2**30)
    if sandboxed:
        manager.transport = "ipc"


def configure(c, *, evidence_dir, sealed_dir, **kernels):
    """Point an nbgrader config at the sandboxed executor (``c.Autograde.autograde_preprocessors``
    must already be the course's list), which seals each hidden test's evidence from
    ``evidence_dir`` into ``sealed_dir``; ``kernels`` are :func:`configure_kernels`'s arguments."""
    steps = list(c.Autograde.autograde_preprocessors)
    steps[steps.index("nbgrader.preprocessors.Execute")] = "course.kernel_execute.SandboxedExecute"
    c.Autograde.autograde_preprocessors = steps
    c.SandboxedExecute.evidence_dir = str(evidence_dir)
    c.SandboxedExecute.sealed_dir = str(sealed_dir)
    configure_kernels(c, **kernels)

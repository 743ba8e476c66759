"""The guard of a grading kernel: hidden tests probe under its watch, and only evidence it signs counts.

A grading kernel runs the student's code and the hidden tests' probes in one
Python process, so a cell could replace a probe, or something a probe relies
on, and hand the grader made-up evidence (issue 21). :func:`install` runs first
in a grading kernel (:mod:`grader_tests.guarded_kernel`), before IPython and
before any student code:

* Only the guard signs evidence, with a key the grader made for this notebook
  alone (read from a file it deletes at once). The key, and all the guard
  needs, live in the closures of an audit hook (PEP 578): no module, class or
  object a cell can name holds any of it, and a hook cannot be removed. The
  grader keeps only evidence signed with that key (:mod:`course.kernel_execute`).
* When the first cell starts (the kernel is up, no student code has run), the
  guard takes a snapshot, by identity, of every function, class and module of
  every module loaded (the grader's, Keras, NumPy, TensorFlow, IPython, the
  standard library) and of the grader's own data.
* A hidden test's :meth:`~grader_tests.exercise.Exercise.check` asks the guard
  to begin (``sys.audit("course.check", ...)``). If nothing has changed, it gets
  the inputs and probes in its own frame, with a tracer on that calls the guard
  each time the kernel's code calls code written since the first cell (the
  student's), and when that code returns. Then it asks the guard to end
  (``"course.check.end"``) with the evidence, which the guard signs only if
  nothing had changed at any of those moments, so a change made and undone
  while a probe runs is caught too. No thread the notebook started may run
  meanwhile.
* While a check runs, code written since the first cell gets no frame (and so
  none of the probe's objects), and no code ever gets a frame whose callers
  include the guard's. Generator frames, other threads' frames, ``gc``'s lists
  of objects, ``ctypes``, tracing and profiling, new audit hooks, replacing a
  function's code or a kernel function's defaults, ``exec``, ``eval`` and new
  functions from student code, and code that claims a library's file without
  coming from it are refused; ``/proc/self/mem`` is closed by making the
  process not dumpable.

This module defines no class, and :func:`install` removes it from
``sys.modules``. What stays open is code that reads the process's memory
without Python (a compiled extension, NumPy arrays laid over memory they do
not own): the README's "What this does not stop" says so.
"""
import builtins
import sys

CHECK_EVENT, END_EVENT = "course.check", "course.check.end"
KEY_FILE_VARIABLE = "COURSE_GUARD_KEY_FILE"
SIGNED_SUFFIX = ".signed"
MAC_BYTES = 32
# Names of the builtins module that IPython and ipykernel swap while a cell runs.
SWAPPED_BUILTINS = frozenset({"exit", "quit", "input", "raw_input", "get_ipython", "display", "help"})
UNWATCHED_MODULES = frozenset({"sys", "__main__", "__mp_main__", "builtins", "getpass", __name__})
NAMEDTUPLE_NAMES = frozenset({"_tuple_new", "__builtins__", "__name__"})  # the namespace of namedtuple's methods
# What Python itself adds to a class as it is used (typing's protocol caches, copyreg's slot names).
CLASS_CACHES = frozenset({"__protocol_attrs__", "__non_callable_proto_members__", "__callable_proto_members_only__",
                          "_is_protocol", "_is_runtime_protocol", "__abstractmethods__", "_abc_impl",
                          "__slotnames__", "__parameters__", "__orig_bases__", "__annotations__"})
# Functions that return the frames they get to their callers: the frame goes to whoever called them.
HANDS_ON = frozenset({"currentframe", "stack", "getouterframes", "getinnerframes", "trace", "walk_stack",
                      "walk_tb", "<lambda>"})
BACKGROUND_THREADS = (("zmq.utils.garbage", "GarbageCollectorThread"),)  # (module, class) the kernel starts as it works
THREADS = "threads"  # what :func:`install`'s ``changed`` says when a thread of the notebook runs
LESSON_MODULES = ("lesson00", "lesson01", "lesson02", "lesson03", "lesson04", "lesson05")


def signed_message(key, seed, data):
    """The bytes a signature covers: the exercise, the seed of its inputs (both ``str``) and the evidence.

    It calls no builtin, so the guard can use it whatever a cell did to ``builtins``."""
    return b"course-evidence/1\0" + key.encode() + b"\0" + seed.encode() + b"\0" + data


def install(key_file):
    """Read the key, add the hook, which takes the snapshot when the first cell starts; see the module docstring."""
    import _hashlib
    import _signal
    import _thread
    import ctypes
    import functools
    import importlib._bootstrap_external
    import io
    import operator
    import os
    import signal as signal_module
    import tempfile
    import threading
    import types

    import keras
    import numpy as np
    import tensorflow as tf

    import grader_tests
    from grader_tests import exercise as exercise_module
    from utils.i18n import _

    real_signal, real_getsignal, signal_handlers = _signal.signal, _signal.getsignal, signal_module.Handlers
    fd = os.open(key_file, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        secret = os.read(fd, 4 * MAC_BYTES)
    finally:
        os.close(fd)
    os.unlink(key_file)
    if len(secret) < MAC_BYTES:
        raise SystemExit("the guard's key is missing")

    lessons = [__import__(f"grader_tests.{name}", fromlist=["_"]) for name in LESSON_MODULES]
    for name, _class in BACKGROUND_THREADS:  # loaded now, so that their code is the kernel's own
        __import__(name)
    keras.config.disable_traceback_filtering()  # it reads tracebacks' frames, which a probe may not
    tf.debugging.disable_traceback_filtering()
    np.savez(io.BytesIO(), loaded=np.zeros(1))  # load what saving evidence needs, so that it is watched
    ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: no /proc/self/mem, even for this process
    _replace_public_functions(signal_module)
    del sys.modules[__name__], grader_tests.guard  # a cell that imports it gets a copy that knows nothing
    # The vault's functions get their builtins from a private copy: a cell that replaces
    # builtins.len changes nothing here.
    globals()["__builtins__"] = dict(vars(builtins))

    audit, get_attribute, is_, call_all, call_any, call_map = sys.audit, getattr, operator.is_, all, any, map
    getitem, contains, get_contents = operator.getitem, operator.contains, operator.attrgetter("cell_contents")
    get_module, current_frames, threading_active = sys.modules.get, sys._current_frames, threading._active
    thread_count, local = _thread._count, _thread._local
    hmac_digest, environ = _hashlib.hmac_digest, os.environ
    open_file, write_file, close_file = os.open, os.write, os.close
    settrace, get_frame = sys.settrace, sys._getframe
    python_folders = tuple({os.path.join(os.path.realpath(folder), "") for folder in (sys.prefix, sys.base_prefix)})
    compile_bytecode = importlib._bootstrap_external._compile_bytecode.__code__
    read_file, read_only, tuple_new = os.read, os.O_RDONLY | os.O_NOFOLLOW, tuple.__new__
    write_new = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_NONBLOCK
    default_int_handler, partial = signal_module.default_int_handler, functools.partial
    default_rng, savez, bytes_io, ndarray = np.random.default_rng, np.savez, io.BytesIO, np.ndarray
    check_code = exercise_module.Exercise.check.__code__
    exact_str, exact_list, exact_int, traceback_type, frame_type = str, list, int, types.TracebackType, types.FrameType
    function_type = types.FunctionType
    code_type, cells_folder = types.CodeType, f"{tempfile.gettempdir()}{os.sep}ipykernel_{os.getpid()}{os.sep}"
    evidence_dir = environ.get("COURSE_EVIDENCE_DIR", "")
    # ValueError for logging's callers, AttributeError for getattr, RuntimeError for sys.addaudithook
    refused = type("GuardRefused", (ValueError, AttributeError, RuntimeError), {"__module__": "builtins"})
    messages = {
        "changed": _("the hidden tests found {what} changed by your notebook, so they cannot trust what they saw: "
                     "no points. Remove the code that changes it and run the notebook again."),
        "thread": _("a thread your notebook started was still running, and the hidden tests do not run beside "
                    "one: no points. Let your threads finish (join them) before the tests."),
    }
    default_seed = str(exercise_module.DEFAULT_SEED)

    exercises = {}
    for module in lessons:
        for exercise in exercise_module.exercises_of(module).values():
            exercises[(module.__name__, exercise.key)] = exercise

    # --- the snapshot: what "nothing has changed" means -------------------------------------
    watched_types = (types.FunctionType, types.BuiltinFunctionType, types.ModuleType, staticmethod, classmethod,
                     property, functools.partial, types.MethodDescriptorType, types.WrapperDescriptorType,
                     types.GetSetDescriptorType, types.MemberDescriptorType, types.MethodType)
    plain = (int, float, str, bytes, bool, type(None))

    def watched(value):
        return type(value) in watched_types or isinstance(value, type) or callable(value)

    def frozen(value, depth=0):
        """Plain data as a value that compares without running anyone's code: builtin containers and
        scalars as they are, anything else by its identity."""
        kind = type(value)
        if kind in plain:
            return (kind, value)
        if depth < 8 and kind in (tuple, list, frozenset, set):
            items = tuple(frozen(v, depth + 1) for v in value)
            return (kind, tuple(sorted(items, key=repr)) if kind in (set, frozenset) else items)
        if depth < 8 and kind is dict:
            return (kind, tuple((frozen(k, depth + 1), frozen(v, depth + 1)) for k, v in value.items()))
        return (object, id(value))

    def data_of(namespace):
        return frozen({k: v for k, v in namespace.items() if not watched(v) and not k.startswith("__")})

    def take_snapshot():
        """``(changed, ids of the namespaces of the kernel's own code)`` as things are now, when the first
        cell starts: the kernel is up (IPython has done all it changes) and no student code has run yet."""
        baseline, baseline_threads = thread_count(), frozenset(threading_active)
        background = {vars(get_module(name))[cls] for name, cls in BACKGROUND_THREADS
                      if type(get_module(name)) is types.ModuleType and cls in vars(get_module(name))}
        own_packages = ("grader_tests", "utils")
        tables, classes, functions, shadowed, data, sized = [], {}, {}, [], [], []
        modules = {name: module for name, module in list(sys.modules.items())
                   if type(module) is types.ModuleType and name not in UNWATCHED_MODULES}
        builtin_names = frozenset(vars(builtins))

        def table(label, namespace, own, leave_out=frozenset()):
            keys = tuple(k for k, v in namespace.items() if k not in leave_out and (own or watched(v)))
            tables.append((label, namespace, keys, tuple(namespace[k] for k in keys)))

        for name, module in modules.items():
            namespace = vars(module)
            own = name.split(".")[0] in own_packages
            table(name, namespace, own)
            used = set()
            for value in list(namespace.values()):
                if type(value) is types.FunctionType:
                    functions[id(value)] = value
                    used.update(value.__code__.co_names)
                elif isinstance(value, type):
                    classes[id(value)] = value
                elif own and isinstance(value, exercise_module.Exercise):
                    data.append((f"{name}.{value.key}", value, vars(value), data_of(vars(value)), type(value)))
            shadowed.append((name, namespace, tuple(sorted((used & builtin_names) - set(namespace)))))
            if own:
                data.append((name, module, namespace, data_of(namespace), types.ModuleType))
        table("builtins", vars(builtins), False, SWAPPED_BUILTINS)
        for cls in list(classes.values()):
            if cls is keras.utils.Progbar:  # lesson 05's probe records the bars by wrapping its methods
                continue
            where = cls.__dict__.get("__module__")
            where = where if type(where) is str else "?"
            table(f"{where}.{cls.__name__}", cls.__dict__, where.split(".")[0] in own_packages)
            sized.append((f"{where}.{cls.__name__}", cls, cls.__dict__, frozenset(cls.__dict__)))
            for value in list(cls.__dict__.values()):
                if type(value) is types.FunctionType:
                    functions[id(value)] = value
        functions = tuple(functions.values())
        cells = tuple(c for f in functions for c in (f.__closure__ or ()) if _filled(c))
        cell_values = tuple(map(get_contents, cells))
        module_names, module_objects = tuple(modules), tuple(modules.values())
        # Flat lists, so that the usual answer, "nothing changed", is one C loop each.
        flat_namespaces = [namespace for _, namespace, keys, _ in tables for _ in keys]
        flat_keys = [key for _, _, keys, _ in tables for key in keys]
        flat_values = [value for _, _, _, values in tables for value in values]
        class_namespaces = [namespace for _, _, namespace, _ in sized]
        sizes = [len(namespace) for namespace in class_namespaces]
        shadow_namespaces = [namespace for _, namespace, names in shadowed for _ in names]
        shadow_names = [name for _, _, names in shadowed for name in names]
        # The namespaces of the kernel's own code: those of its modules, kept alive by the tables.
        trusted = {id(vars(module)) for module in modules.values()}

        def unchanged():
            try:
                return (call_all(call_map(is_, call_map(getitem, flat_namespaces, flat_keys), flat_values))
                        and sizes == list(call_map(len, class_namespaces))
                        and not call_any(call_map(contains, shadow_namespaces, shadow_names))
                        and call_all(call_map(is_, call_map(get_module, module_names), module_objects))
                        and call_all(call_map(is_, call_map(get_contents, cells), cell_values)))
            except (KeyError, ValueError):  # a name deleted, a closure emptied
                return False

        def what_changed():
            """What changed, named for the student; None when it was only a class that grew an attribute
            that hides nothing of its parents' (Python's own caches), which is then taken as it is."""
            for label, namespace, keys, values in tables:
                for key, value in zip(keys, values):
                    if namespace.get(key, namespace) is not value:
                        return f"{label}.{key}"
            for index, (label, cls, namespace, keys) in enumerate(sized):
                if len(namespace) != sizes[index]:
                    for key in set(namespace) - keys:
                        if key not in CLASS_CACHES and any(watched(vars(base).get(key)) for base in cls.__mro__[1:]):
                            return f"{label}.{key}"
                    sizes[index], sized[index] = len(namespace), (label, cls, namespace, frozenset(namespace))
            for label, namespace, names in shadowed:
                for name in names:
                    if name in namespace:
                        return f"{label}.{name}"
            for name, module in zip(module_names, module_objects):
                if get_module(name) is not module:
                    return f"sys.modules[{name!r}]"
            return "a closure" if not unchanged() else None

        def only_background_threads():
            """True when every thread started since the first cell is one the kernel starts as it
            works (pyzmq's garbage collector, for large outputs) running the kernel's own code."""
            state.quiet = True
            try:
                stacks = current_frames()
                allowed = 0
                for ident, frame in stacks.items():
                    if ident not in baseline_threads and type(threading_active.get(ident)) in background:
                        while frame is not None and id(frame.f_globals) in trusted:
                            frame = frame.f_back
                        allowed += frame is None
                return thread_count() - baseline <= allowed
            finally:
                state.quiet = False

        def changed():
            """None when all is as it was; else what changed first, named for the student."""
            if thread_count() > baseline and not only_background_threads():
                return THREADS
            if not unchanged():
                what = what_changed()
                if what is not None:
                    return what
            for label, owner, namespace, value, kind in data:
                if type(owner) is not kind or data_of(namespace) != value:
                    return label
            return None

        return changed, trusted


    # --- the hook ----------------------------------------------------------------------------
    state = local()  # per thread: "quiet" while the hook reads frames itself
    snapshot = []  # what take_snapshot gave, once the first cell starts

    def changed():
        return snapshot[0][0]()
    tampered = [None]  # what changed while a probe ran
    libraries = []  # namespaces of library modules loaded since the first cell
    running = []  # (the check's frame, its exercise's key, its seed, its tracer) while it probes
    vault = frozenset(map(id, _nested_codes([install.__code__])))
    message_of, mac_bytes, suffix = signed_message, MAC_BYTES, SIGNED_SUFFIX

    def quiet():
        return get_attribute(state, "quiet", False)

    def guarded(frame):
        """True when ``frame`` or one of its callers is the guard's, or the check it watches."""
        while frame is not None:
            if id(frame.f_code) in vault or (running and frame is running[0][0]):
                return True
            frame = frame.f_back
        return False

    def asked_from_trusted_code():
        """True when the frame asked for goes to code of the kernel's own: the hook's caller, or, past
        functions that only hand frames on (``inspect.currentframe`` and its kind), theirs. TensorFlow
        reads its callers' names and lines this way while it traces even a student's function; code
        written since the kernel started may see no frame while a check runs."""
        frame = get_frame(1)
        while frame is not None and id(frame.f_code) in vault:  # the hook's own frames
            frame = frame.f_back
        while frame is not None and frame.f_code.co_name in HANDS_ON:
            frame = frame.f_back
        return frame is not None and bool(snapshot) and id(frame.f_globals) in snapshot[0][1]

    def exposes(frame):
        state.quiet = True
        try:
            return guarded(frame) and not asked_from_trusted_code()
        finally:
            state.quiet = False

    def refuse(*_):
        raise refused("a grading kernel does not allow this")

    def refuse_exposing(args):
        if exposes(args[0]):
            refuse()

    def on_getattr(args):
        obj, name = args[0], args[1]
        if name in ("gi_frame", "cr_frame", "ag_frame"):
            refuse()
        if name == "__kwdefaults__" and kernel_function(obj):
            refuse_unless_kernel_code()
        if name == "tb_frame" and type(obj) is traceback_type:
            state.quiet = True
            try:
                frame = obj.tb_frame
            finally:
                state.quiet = False
            if exposes(frame):
                refuse()

    def on_setattr(args):
        """A function's code may never be replaced; a kernel function's defaults neither (reading its
        keyword defaults, a dict, is refused to code written since the kernel started, too)."""
        function, name = args[0], args[1]
        if name == "__code__" or (name in ("__defaults__", "__kwdefaults__") and kernel_function(function)):
            refuse()

    def kernel_function(function):
        state.quiet = True
        try:
            return bool(snapshot) and type(function) is function_type and id(function.__globals__) in snapshot[0][1]
        finally:
            state.quiet = False

    def on_exec(args):
        """Take the snapshot when the first cell starts (ipykernel compiles cells into files of its own
        folder); after that, only the kernel's own code may run code with ``exec``."""
        if not snapshot:
            if type(args[0]) is code_type and args[0].co_filename.startswith(cells_folder):
                state.quiet = True
                try:
                    snapshot.append(take_snapshot())
                finally:
                    state.quiet = False
        else:
            refuse_unless_kernel_code()

    def refuse_unless_kernel_code(*_):
        """Refuse what the code that asks (past the hook) may do only if it is the kernel's own: code
        written since the kernel started could run its own code in a namespace of the kernel's."""
        state.quiet = True
        try:
            frame = get_frame(1)
            while frame is not None and id(frame.f_code) in vault:
                frame = frame.f_back
            own = frame is not None and id(frame.f_globals) in snapshot[0][1]
        finally:
            state.quiet = False
        if not own:
            refuse()

    def library_code(frame):
        """True for code of a module of this Python's installation loaded since the kernel started, or
        namedtuple's methods (whose namespace holds nothing but ``tuple.__new__``): code of a file of
        the installation comes from that file (:func:`genuine_code`)."""
        namespace, filename = frame.f_globals, frame.f_code.co_filename
        if namespace.keys() == NAMEDTUPLE_NAMES and namespace["_tuple_new"] is tuple_new:
            return True
        source = namespace.get("__file__")
        return (type(filename) is exact_str and filename.startswith(python_folders)
                and type(source) is exact_str and source.startswith(python_folders))

    def file_bytes(path):
        state.quiet = True
        try:
            fd = open_file(path, read_only)
            try:
                chunks = []
                while True:
                    chunk = read_file(fd, 1 << 20)
                    if not chunk:
                        return b"".join(chunks)
                    chunks.append(chunk)
            finally:
                close_file(fd)
        except OSError:
            return None
        finally:
            state.quiet = False

    def genuine_code(args, event):
        """Code that claims a file of this Python's installation must come from it: compiled from its
        very source, or loaded by the import system from its own bytecode file."""
        if not snapshot:
            return
        if event == "compile":
            source, filename = args[0], args[1]
            if type(filename) is exact_str and filename.startswith(python_folders):
                source = source.encode() if type(source) is exact_str else source
                if type(source) is not bytes or file_bytes(filename) != source:
                    refuse()
        elif event == "code.__new__":
            if type(args[1]) is exact_str and args[1].startswith(python_folders):
                refuse()
        else:  # marshal.loads: only the import system's, of a bytecode file's own bytes
            state.quiet = True
            try:
                frame = get_frame(3)  # past genuine_code, its dispatcher and the hook
                path = frame.f_locals.get("bytecode_path") if frame.f_code is compile_bytecode else None
            finally:
                state.quiet = False
            if type(path) is not exact_str or not path.startswith(python_folders) or \
                    (file_bytes(path) or b"")[16:] != args[0]:
                refuse_unless_kernel_code()

    def on_trace(args):
        """The kernel's own code called code written since it started (the tracer says so), or
        that code returned: check that nothing changed."""
        frame, event = args[0], args[1]
        if type(frame) is not frame_type or not running:
            return
        state.quiet = True
        try:
            if event == "call" and library_code(frame):
                snapshot[0][1].add(id(frame.f_globals))
                libraries.append(frame.f_globals)  # kept alive, so that no other namespace gets its id
                return
            if event == "call":
                frame.f_trace_lines = False
                frame.f_trace = running[0][3]  # to hear it return
            if tampered[0] is None:
                tampered[0] = changed()
        finally:
            state.quiet = False

    def new_tracer(trusted):
        """A trace function that lets the kernel's own code run at full speed and calls the hook when it
        calls code written since the kernel started, or when that code returns. (No frame's code is
        read here: reading ``f_code`` is itself an audit event.) Each check gets a new one."""
        def tracer(frame, event, arg):
            if event == "call":
                if id(frame.f_globals) in trusted:
                    return None
                caller = frame.f_back
                if caller is not None and id(caller.f_globals) not in trusted:
                    return None  # inside code already being watched
            if event == "call" or event == "return":
                audit("course.trace", frame, event)
            return None
        return tracer

    def save(key, seed, data):
        fd = open_file(f"{evidence_dir}/{key}{suffix}", write_new, 0o600)
        try:
            write_file(fd, hmac_digest(secret[:mac_bytes], message_of(key, seed, data), "sha256") + data)
        finally:
            close_file(fd)

    def begin(args):
        """The hidden test's ``check`` asks to probe: if nothing has changed, give it the inputs and
        watch, until it ends, every call into code written since the kernel started."""
        module, key, answers, box = args
        if type(box) is not exact_list or type(answers) is not tuple or type(module) is not exact_str \
                or type(key) is not exact_str or running or not snapshot:
            return
        exercise = exercises.get((module, key))
        if exercise is None:
            return
        requester = get_frame(2)  # past begin and the hook: the check that asks
        if requester.f_code is not check_code:
            return
        seed = environ.get("COURSE_GRADING_SEED", default_seed)
        what = changed()
        if what is not None or type(seed) is not exact_str:
            box.append(refusal(what))
            return
        tampered[0] = None
        tracer = new_tracer(snapshot[0][1])
        running.append((requester, key, seed, tracer))
        state.quiet = True
        settrace(tracer)  # it takes effect when the hook returns (no tracing inside a hook)
        state.quiet = False
        box.append(exercise.inputs(default_rng(exact_int(seed))))

    def end(args):
        """The check has probed: sign its evidence, unless anything changed meanwhile."""
        outcome, box = args
        if not running or get_frame(2) is not running[0][0] or type(box) is not exact_list:
            tampered[0] = tampered[0] or "grader_tests.exercise.Exercise.check"
            return
        _, key, seed, _ = running.pop()
        state.quiet = True
        settrace(None)
        state.quiet = False
        what = tampered[0] or changed()
        if what is not None:
            box.append(refusal(what))
            return
        if outcome is None:  # the probe was stopped (an interrupt): nothing to sign
            return
        if type(outcome) is exact_str:  # why the answer fails
            box.append(outcome)
            return
        if type(outcome) is not dict or not call_all(type(v) is ndarray for v in outcome.values()):
            box.append(refusal("grader_tests.exercise.Exercise.collect"))
            return
        buffer = bytes_io()
        savez(buffer, **outcome)
        try:
            save(key, seed, buffer.getvalue())
        except OSError as error:
            box.append(_("the hidden tests could not save what they found ({reason}).").format(reason=error.strerror))
            return
        box.append(None)

    def refusal(what):
        return messages["thread"] if what == THREADS else messages["changed"].format(what=what)

    relays = {}  # id -> (relay, the notebook's handler)

    def unrelayed(handler):
        """What ``signal.getsignal`` would say of ``handler``: the notebook's own handler for a relay."""
        if type(handler) is exact_int:
            return signal_handlers(handler)
        return relays.get(id(handler), (None, handler))[1]

    def set_signal(args):
        number, handler, box = args
        if type(box) is not exact_list:
            return
        if isinstance(handler, exact_int):  # SIG_DFL, SIG_IGN
            handler = exact_int(handler)
        elif callable(handler) and handler is not default_int_handler:
            relay = partial(audit, "course.signal.fire", handler)
            relays[id(relay)] = (relay, handler)
            handler = relay
        box.append(unrelayed(real_signal(exact_int(number), handler)))

    def get_signal(args):
        number, box = args
        if type(box) is exact_list:
            box.append(unrelayed(real_getsignal(exact_int(number))))

    def fire_signal(args):
        handler, number, frame = args
        if type(frame) is frame_type:
            state.quiet = True
            try:
                busy = guarded(frame)
            finally:
                state.quiet = False
            if busy:
                return  # a signal that comes while the guard works, or a check runs, is dropped
        handler(number, frame)

    handlers = {
        CHECK_EVENT: begin, END_EVENT: end, "course.trace": on_trace, "exec": on_exec,
        "course.signal.set": set_signal, "course.signal.get": get_signal, "course.signal.fire": fire_signal,
        "sys._getframe": refuse_exposing, "object.__getattr__": on_getattr, "object.__setattr__": on_setattr,
        "sys._current_frames": refuse, "sys.settrace": refuse, "sys.setprofile": refuse, "sys.addaudithook": refuse,
        "gc.get_objects": refuse, "gc.get_referrers": refuse, "gc.get_referents": refuse,
        "function.__new__": lambda args: snapshot and refuse_unless_kernel_code(),
        "compile": lambda args: genuine_code(args, "compile"),
        "code.__new__": lambda args: genuine_code(args, "code.__new__"),
        "marshal.loads": lambda args: genuine_code(args, "marshal.loads"),
    }

    def hook(event, args):
        if type(event) is not exact_str or quiet():
            return
        handler = handlers.get(event)
        if handler is not None:
            handler(args)
        elif event.startswith("ctypes."):
            refuse()

    sys.addaudithook(hook)


def _filled(cell):
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


def _nested_codes(codes):
    """The code objects and, recursively, those of the functions defined in them."""
    found, todo = [], list(codes)
    while todo:
        code = todo.pop()
        found.append(code)
        todo.extend(c for c in code.co_consts if type(c) is type(code))
    return found


PUBLIC_FUNCTIONS = '''
def signal(signalnum, handler, /):
    """Set the handler for signal ``signalnum`` (through the grading kernel's guard)."""
    box = []
    audit("course.signal.set", signalnum, handler, box)
    return box[0] if box else None


def getsignal(signalnum, /):
    """The handler of signal ``signalnum`` (through the grading kernel's guard)."""
    box = []
    audit("course.signal.get", signalnum, box)
    return box[0] if box else None


def gettrace():
    """None: the only trace function a grading kernel has is the guard's, which no cell may see."""
    return None
'''


def _replace_public_functions(signal_module):
    """``signal.signal`` and ``signal.getsignal`` (and ``_signal``'s) that go through the hook, which wraps
    every Python handler so that it never sees a frame of the guard, and a ``sys.gettrace`` that does not
    show the guard's tracer; built apart, so that they hold nothing of it."""
    import _signal

    namespace = {"audit": sys.audit, "__builtins__": builtins}
    exec(compile(PUBLIC_FUNCTIONS, "<grading kernel>", "exec"), namespace)
    for module in (signal_module, _signal):
        module.signal, module.getsignal = namespace["signal"], namespace["getsignal"]
    sys.gettrace = namespace["gettrace"]

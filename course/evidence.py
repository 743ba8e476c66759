"""Read the evidence a hidden test saved in the kernel, trusting nothing about the file.

The kernel writes these files, so a cheat can put anything there: a symlink
to a classmate's evidence or to a file of the grader, a zip bomb, arrays of
objects. :func:`load` opens only a regular file of bounded size, without
following links, and reads each array's header before its data, so that
nothing larger than :data:`MAX_ARRAY_BYTES` is ever unpacked.
"""
import hmac
import io
import os
import stat
import zipfile

import numpy as np

from grader_tests.guard import MAC_BYTES, signed_message

MAX_FILE_BYTES = 64 * 2**20
MAX_ARRAY_BYTES = 64 * 2**20
MAX_ARRAYS = 64


class BadEvidence(ValueError):
    """The file is not evidence a hidden test could have written."""


def read_regular_file(path):
    """The bytes of ``path`` when it is a regular file of at most :data:`MAX_FILE_BYTES`, read from one
    descriptor opened without following links (whatever ``path`` becomes meanwhile), else :class:`BadEvidence`."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        raise BadEvidence(f"cannot open it ({error.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise BadEvidence("it is not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise BadEvidence(f"it is larger than {MAX_FILE_BYTES} bytes")
        with os.fdopen(os.dup(fd), "rb") as f:
            return f.read(MAX_FILE_BYTES + 1)
    finally:
        os.close(fd)


def unsign(blob, guard_key, exercise, seed):
    """The evidence in ``blob`` (what the kernel's guard wrote: a signature, then the ``.npz`` bytes)
    when the guard signed it with ``guard_key`` for ``exercise`` and ``seed``, else :class:`BadEvidence`."""
    signature, data = blob[:MAC_BYTES], blob[MAC_BYTES:]
    expected = hmac.digest(guard_key, signed_message(exercise, str(seed), data), "sha256")
    if len(blob) <= MAC_BYTES or not hmac.compare_digest(signature, expected):
        raise BadEvidence("it was not written by the hidden tests themselves")
    return data


def load(path):
    """``{name: array}`` from an ``.npz`` file, or :class:`BadEvidence`."""
    data = read_regular_file(path)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise BadEvidence("it is not an .npz file") from None
    members = archive.infolist()
    if len(members) > MAX_ARRAYS:
        raise BadEvidence(f"it holds more than {MAX_ARRAYS} arrays")
    evidence, total = {}, 0
    for member in members:
        if not member.filename.endswith(".npy") or member.file_size > MAX_ARRAY_BYTES + 4096:
            raise BadEvidence(f"{member.filename!r} is not a small .npy array")
        with archive.open(member) as stream:
            try:
                version = np.lib.format.read_magic(stream)
                read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                               (2, 0): np.lib.format.read_array_header_2_0}.get(version)
                if read_header is None:
                    raise ValueError(f"unknown .npy version {version}")
                shape, fortran, dtype = read_header(stream)
            except ValueError as error:
                raise BadEvidence(f"{member.filename!r}: {error}") from None
            if dtype.kind not in "biuf" or dtype.hasobject:
                raise BadEvidence(f"{member.filename!r} does not hold numbers")
            count = int(np.prod(shape, dtype=np.int64))
            total += count * dtype.itemsize
            if total > MAX_ARRAY_BYTES:
                raise BadEvidence("its arrays are too large")
            raw = stream.read(count * dtype.itemsize)
            if len(raw) != count * dtype.itemsize:
                raise BadEvidence(f"{member.filename!r} is truncated")
            array = np.frombuffer(raw, dtype=dtype).copy()
            array = array.reshape(shape, order="F" if fortran else "C")
        evidence[member.filename[:-4]] = array
    return evidence

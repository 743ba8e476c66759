"""Comparisons that judges use, each failing with an expected-versus-got message.

``title`` is the exercise's English title (translated here, when the message
is made); ``what`` and ``hint`` come already translated from the judge.
"""
import numpy as np

from grader_tests.exercise import LAYER_BASE, CheckFailed, from_json_evidence
from utils.i18n import _, decimal_mark, number, significant


def _fmt(array):
    """``array`` as the student's language writes numbers; "; " between them where "," is the decimal mark."""
    return np.array2string(np.asarray(array), threshold=8, max_line_width=10_000,
                           separator="; " if decimal_mark() == "," else ", ",
                           formatter={"float_kind": lambda value: number(significant(value, 4))})


def failure(title, sentence, hint=""):
    """The :class:`CheckFailed` of exercise ``title``: ``sentence`` (what is wrong), then ``hint``."""
    return CheckFailed(f"{_(title)}: {sentence} {hint}".rstrip())


def _wrong_shape(title, what, got, expected, hint):
    return failure(title, _("{what} should have shape {expected}, got {got}.").format(
        what=what, expected=expected, got=got), hint)


def shape(title, what, got, expected, hint=""):
    got, expected = tuple(int(n) for n in np.asarray(got).ravel()), tuple(expected)
    if got != expected:
        raise _wrong_shape(title, what, got, expected, hint)


def equal(title, what, got, expected, hint=""):
    if not np.array_equal(np.asarray(got), np.asarray(expected)):
        raise failure(title, _("{what} should be {expected}, got {got}.").format(
            what=what, expected=_fmt(expected), got=_fmt(got)), hint)


def close(title, what, got, expected, hint="", atol=1e-5, rtol=1e-4):
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        raise _wrong_shape(title, what, got.shape, expected.shape, hint)
    bad = ~np.isclose(got, expected, atol=atol, rtol=rtol)
    if bad.any():
        first = np.unravel_index(np.argmax(bad), bad.shape)
        values = {"what": what, "expected": number(significant(expected[first], 6)),
                  "got": number(significant(got[first], 6)),
                  "count": int(bad.sum()), "size": bad.size, "index": tuple(int(i) for i in first)}
        sentence = (_("a wrong value at index {index} in {what}: expected {expected}, got {got} "
                      "({count} of {size} values differ).") if got.ndim else
                    _("a wrong value in {what}: expected {expected}, got {got} ({count} of {size} values differ)."))
        raise failure(title, sentence.format(**values), hint)


def at_least(title, what, got, minimum, hint=""):
    got = float(np.asarray(got))
    if not got >= minimum:
        raise failure(title, _("{what} should be at least {minimum}, got {got}.").format(
            what=what, minimum=number(minimum), got=number(got, 4)), hint)


def trained_accuracy_at_least(title, predict, minimum):
    """Fail unless ``predict`` (images -> class scores, in NumPy) reaches ``minimum`` accuracy
    on the Fashion-MNIST test set."""
    from utils.data import load_fashion_mnist

    (x_test, y_test) = load_fashion_mnist()[1]
    accuracy = np.mean(predict(x_test).argmax(axis=1) == y_test)
    at_least(title, _("the test accuracy of the trained model"), accuracy, minimum,
             _("Train it with the training cell before this test."))


def config_round_trip(title, evidence, wanted, base=LAYER_BASE):
    """The config (from :func:`grader_tests.exercise.config_evidence`, with the same ``base``) holds the
    base keys and ``wanted``, and ``from_config(get_config())`` gives an object with the same config."""
    made = _("an object made with {arguments}").format(
        arguments=", ".join(f"{key}={value!r}" for key, value in base.items()))
    config = from_json_evidence(evidence["config"])
    if not isinstance(config, dict):
        raise failure(title, _("get_config() of {made} should return a dict, got {config}. Pass **kwargs "
                               "to super().__init__(**kwargs) and start get_config from super().get_config().")
                      .format(made=made, config=repr(config)))
    for key, value in {**base, **wanted}.items():
        if key not in config:
            where = (_("Start from config = super().get_config() (it holds {keys}).").format(keys=", ".join(base))
                     if key in base else _("Add {key} to the config.").format(key=key))
            raise failure(title, _("get_config() of {made} has no key {key}.").format(made=made, key=repr(key)),
                          where)
        equal(title, _("get_config()[{key}] of {made}").format(key=repr(key), made=made), str(config[key]),
              str(value), _("__init__ should pass **kwargs on: super().__init__(**kwargs).") if key in base else
              _("Store {key} in __init__ and put it in the config as it was given.").format(key=key))
    clone = from_json_evidence(evidence["clone_config"])
    if clone != config:
        raise failure(title, _("from_config(get_config()) should make a layer with the same config; got "
                               "{clone} instead of {config}. get_config must hold every argument of __init__, "
                               "and __init__ must pass **kwargs to super().__init__(**kwargs).")
                      .format(clone=repr(clone), config=repr(config)))

"""Comparisons that judges use, each failing with an expected-versus-got message."""
import numpy as np

from grader_tests.exercise import LAYER_BASE, CheckFailed, from_json_evidence


def _fmt(array):
    return np.array2string(np.asarray(array), precision=4, threshold=8, max_line_width=10_000, separator=", ")


def shape(title, what, got, expected, hint=""):
    got, expected = tuple(int(n) for n in np.asarray(got).ravel()), tuple(expected)
    if got != expected:
        raise CheckFailed(f"{title}: {what} should have shape {expected}, got {got}. {hint}".rstrip())


def equal(title, what, got, expected, hint=""):
    if not np.array_equal(np.asarray(got), np.asarray(expected)):
        raise CheckFailed(f"{title}: {what} should be {_fmt(expected)}, got {_fmt(got)}. {hint}".rstrip())


def close(title, what, got, expected, hint="", atol=1e-5, rtol=1e-4):
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        raise CheckFailed(f"{title}: {what} should have shape {expected.shape}, got {got.shape}. {hint}".rstrip())
    bad = ~np.isclose(got, expected, atol=atol, rtol=rtol)
    if bad.any():
        first = np.unravel_index(np.argmax(bad), bad.shape)
        where = f" at index {tuple(int(i) for i in first)}" if got.ndim else ""
        raise CheckFailed(
            f"{title}: a wrong value{where} in {what}: expected {expected[first]:.6g}, got {got[first]:.6g} "
            f"({int(bad.sum())} of {bad.size} values differ). {hint}".rstrip()
        )


def at_least(title, what, got, minimum, hint=""):
    got = float(np.asarray(got))
    if not got >= minimum:
        raise CheckFailed(f"{title}: {what} should be at least {minimum:g}, got {got:.4f}. {hint}".rstrip())


def trained_accuracy_at_least(title, predict, minimum):
    """Fail unless ``predict`` (images -> class scores, in NumPy) reaches ``minimum`` accuracy
    on the Fashion-MNIST test set."""
    from utils.data import load_fashion_mnist

    _, (x_test, y_test) = load_fashion_mnist()
    accuracy = np.mean(predict(x_test).argmax(axis=1) == y_test)
    at_least(title, "the test accuracy of the trained model", accuracy, minimum,
             "Train it with the training cell before this test.")


def config_round_trip(title, evidence, wanted, base=LAYER_BASE):
    """The config (from :func:`grader_tests.exercise.config_evidence`, with the same ``base``) holds the
    base keys and ``wanted``, and ``from_config(get_config())`` gives an object with the same config."""
    made = "an object made with " + ", ".join(f"{key}={value!r}" for key, value in base.items())
    config = from_json_evidence(evidence["config"])
    if not isinstance(config, dict):
        raise CheckFailed(f"{title}: get_config() of {made} should return a dict, got {config!r}. Pass **kwargs "
                          "to super().__init__(**kwargs) and start get_config from super().get_config().")
    for key, value in {**base, **wanted}.items():
        if key not in config:
            where = (f"Start from config = super().get_config() (it holds {', '.join(base)})"
                     if key in base else f"Add {key} to the config")
            raise CheckFailed(f"{title}: get_config() of {made} has no key {key!r}. {where}.")
        equal(title, f"get_config()[{key!r}] of {made}", str(config[key]), str(value),
              "__init__ should pass **kwargs on: super().__init__(**kwargs)." if key in base else
              f"Store {key} in __init__ and put it in the config as it was given.")
    clone = from_json_evidence(evidence["clone_config"])
    if clone != config:
        raise CheckFailed(f"{title}: from_config(get_config()) should make a layer with the same config; got "
                          f"{clone!r} instead of {config!r}. get_config must hold every argument of __init__, "
                          "and __init__ must pass **kwargs to super().__init__(**kwargs).")

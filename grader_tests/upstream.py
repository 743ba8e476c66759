"""Grade an exercise on its own when its answer uses the answer of an earlier one.

A builder such as ``make_regularized_model(lam)`` names the layer class an
earlier exercise asked for (``ActivityRegularization``). Probed as it is, a
mistake in that class would cost both exercises. :func:`with_pieces` gives
the probe the same builder with those names bound to trusted pieces instead,
as the text allows ("the layer of exercise 1" means one that does what
exercise 1 asks), so only the exercise at fault loses its points.
"""
import types


def with_pieces(function, **pieces):
    """``function`` with the global names in ``pieces`` bound to the given objects.

    Only the names the function's own code looks up are replaced; the
    student's namespace itself is left as it is.
    """
    namespace = {**function.__globals__, **pieces}
    bound = types.FunctionType(function.__code__, namespace, function.__name__, function.__defaults__,
                               function.__closure__)
    bound.__kwdefaults__ = function.__kwdefaults__
    return bound


def borrowed(answer):
    """True when the answer is, or is built on, a trusted piece of the grader: those live in the
    kernel to isolate the exercises from each other, not to be handed in."""
    classes = answer.__mro__ if isinstance(answer, type) else [answer]
    return any(getattr(piece, "__module__", "").startswith("grader_tests") for piece in classes)

"""Trusted NumPy versions of the Keras operations that the checks recompute answers with."""
import numpy as np


def softmax(logits):
    """Softmax over the last axis, stable for large logits."""
    exp = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return exp / exp.sum(axis=-1, keepdims=True)

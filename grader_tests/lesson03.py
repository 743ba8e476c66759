"""Hidden tests of lesson 03, activity regularization with ``add_loss``.

The layer is built with a regularization factor drawn at random, so a
hard-coded or ignored ``lam`` cannot pass, and called in inference and in
training mode, where the gradient of its penalty must reach its input (what
``fit`` trains on). The model builder gets the grader's own layer in place
of exercise 1's, so that it is graded on its own. The total-loss function is probed
on a small model made here (not by the student), which is never compiled, so
it cannot lean on ``model.evaluate``; its Dropout layer tells inference mode
(what ``evaluate`` uses) from training mode. The choice of lambda is probed
on made-up histories and on the student's own experiment.
"""
import keras
import numpy as np
import tensorflow as tf

from grader_tests.exercise import Exercise, config_evidence
from grader_tests.upstream import with_pieces
from utils.i18n import N_

ACCURACY_MARGIN = 0.05


def _loss_terms(layer_or_model):
    """The number of terms in ``.losses``, how many numbers they hold, and their sum."""
    terms = [keras.ops.convert_to_numpy(term) for term in layer_or_model.losses]
    return len(terms), sum(int(np.size(t)) for t in terms), float(sum(np.sum(t) for t in terms))


def _penalty_and_gradient(layer, x, training):
    """The layer's added loss for ``x`` in the given mode, and its gradient with respect to ``x``
    (zeros when no gradient reaches it): ``fit`` trains on that gradient."""
    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        layer(x, training=training)
        penalty = keras.ops.zeros(())
        for term in layer.losses:
            penalty = penalty + keras.ops.sum(term)
    gradient = tape.gradient(penalty, x)
    return penalty, np.zeros(x.shape) if gradient is None else gradient


class ActivityLayer(Exercise):
    key = "activity_layer"
    title = N_("Exercise 1 (ActivityRegularization layer)")

    def inputs(self, rng):
        return {
            "lam": float(10 ** rng.uniform(-3, 0)),
            "x2": rng.normal(size=(7, 13)).astype("float32"),
            "x3": (2 * rng.normal(size=(2, 3, 5))).astype("float32"),
        }

    def probe(self, inputs, layer_class):
        layer = layer_class(inputs["lam"])
        evidence = {"out2": layer(inputs["x2"])}
        evidence["terms2"], evidence["size2"], evidence["loss2"] = _loss_terms(layer)
        evidence["out3"] = layer(inputs["x3"])
        evidence["terms3"], evidence["size3"], evidence["loss3"] = _loss_terms(layer)
        evidence["weights"] = len(layer.weights)
        for mode, training in (("inference", False), ("training", True)):
            evidence[f"{mode}_loss"], evidence[f"{mode}_gradient"] = _penalty_and_gradient(
                layer_class(inputs["lam"]), inputs["x2"], training)
        evidence.update(config_evidence(layer_class, inputs["lam"]))
        config = layer.get_config()
        evidence["config_has_lam"] = "lam" in config
        evidence["clone_loss"] = np.nan
        if evidence["config_has_lam"]:
            clone = layer_class.from_config(config)
            clone(inputs["x2"])
            evidence["clone_loss"] = _loss_terms(clone)[2]
        return evidence


class _SquaredActivity(keras.layers.Layer):
    """The grader's own activity regularizer, so that exercises 2 and 3 do not depend on exercise 1."""

    def __init__(self, lam, **kwargs):
        super().__init__(**kwargs)
        self.lam = lam

    def call(self, x):
        self.add_loss(self.lam * keras.ops.sum(keras.ops.square(x)))
        return x


class RegularizedModel(Exercise):
    key = "regularized_model"
    title = N_("Exercise 2 (regularized classifier)")
    shapes = ((784, 512), (512,), (512, 256), (256,), (256, 10), (10,))

    def inputs(self, rng):
        return {
            "lam": float(10 ** rng.uniform(-5, -3)),
            "first": rng.integers(0, 256, size=(6, 28, 28), dtype=np.uint8),
            "second": rng.integers(0, 256, size=(3, 28, 28), dtype=np.uint8),
        }

    def probe(self, inputs, make_regularized_model):
        # Exercise 1's layer is graded there: here the builder gets the grader's own.
        model = with_pieces(make_regularized_model, ActivityRegularization=_SquaredActivity)(inputs["lam"])
        evidence = {"params": model.count_params()}
        for batch in ("first", "second"):
            evidence[f"out_{batch}"] = model(inputs[batch])
            evidence[f"terms_{batch}"], _, evidence[f"loss_{batch}"] = _loss_terms(model)
        for i, weight in enumerate(model.weights):
            evidence[f"weight{i}"] = weight
        return evidence


SECOND_LAM_FACTOR = 3.0  # the probe model's second activity loss has lam * 3: two different terms


def _probe_model(lam):
    """A small uncompiled classifier with two activity losses and a Dropout layer.

    Two terms, so that taking only the first, or their mean, is wrong; the
    Dropout tells training mode from inference mode.
    """
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Rescaling(1 / 255),
        keras.layers.Dense(24, activation="relu"),
        _SquaredActivity(lam),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(16, activation="relu"),
        _SquaredActivity(lam * SECOND_LAM_FACTOR),
        keras.layers.Dense(10, activation="softmax"),
    ])


class TotalLoss(Exercise):
    key = "total_loss"
    title = N_("Exercise 3 (total loss by hand)")
    cases = ("regularized", "plain")

    def inputs(self, rng):
        return {
            "lam": float(10 ** rng.uniform(-2, -1)),
            "images_a": rng.integers(0, 256, size=(9, 28, 28), dtype=np.uint8),
            "labels_a": rng.integers(0, 10, size=9),
            "images_b": rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8),
            "labels_b": rng.integers(0, 10, size=5),
        }

    def probe(self, inputs, total_loss):
        evidence = {}
        for case, lam in zip(self.cases, (inputs["lam"], 0.0)):
            model = _probe_model(lam)
            for batch in ("a", "b"):
                evidence[f"{case}_{batch}"] = total_loss(model, inputs[f"images_{batch}"], inputs[f"labels_{batch}"])
            for i, weight in enumerate(model.weights):
                evidence[f"{case}_weight{i}"] = weight
        return evidence


def _histories(lams, cross_entropy, val_cross_entropy, val_accuracy, penalty):
    """``{lam: history.history}`` dicts like the notebook's, from arrays."""
    histories = {}
    for i, lam in enumerate(lams):
        histories[float(lam)] = {
            "loss": list(cross_entropy[i] + penalty[i]),
            "cross_entropy": list(cross_entropy[i]),
            "accuracy": list(np.clip(1.0 - cross_entropy[i] / 2, 0, 1)),
            "val_loss": list(val_cross_entropy[i] + penalty[i]),
            "val_cross_entropy": list(val_cross_entropy[i]),
            "val_accuracy": list(val_accuracy[i]),
        }
    return histories


class LambdaChoice(Exercise):
    key = "lambda_choice"
    title = N_("Exercise 4 (choice of lambda)")
    sets = 5

    def inputs(self, rng):
        """Made-up experiments in which the smallest gap belongs to a lambda that ruined accuracy.

        Sets 1 and 2 have a lambda exactly at the accuracy margin (allowed, and
        the answer); in set 3 the ruined lambda is just beyond it.
        """
        inputs = {}
        for s in range(self.sets):
            k, epochs = int(rng.integers(4, 7)), int(rng.integers(2, 9))
            lams = np.concatenate([[0.0], np.sort(10 ** rng.uniform(-7, -2, size=k - 1))])
            final_gap = rng.uniform(0.05, 0.4, size=k)
            best = rng.uniform(0.80, 0.92)
            final_accuracy = best - rng.uniform(0.0, 0.04, size=k)
            ruined, top = rng.permutation(np.arange(1, k))[:2]  # too much regularization: tiny gap, poor accuracy
            final_accuracy[top] = best
            final_gap[ruined] = final_gap.min() / 3
            final_accuracy[ruined] = best - rng.uniform(0.12, 0.3)
            if s in (0, 1):  # boundary: exactly 0.05 below the best is still allowed, and has the smallest gap
                edge = rng.choice([i for i in range(k) if i not in (ruined, top)])
                final_accuracy[edge] = best - ACCURACY_MARGIN
                others = [i for i in range(k) if i not in (ruined, edge)]
                final_gap[edge] = (final_gap[ruined] + final_gap[others].min()) / 2
            elif s == 2:  # just beyond the margin is not allowed, however small its gap
                final_accuracy[ruined] = best - ACCURACY_MARGIN - 0.002
            growth = np.linspace(0.2, 1.0, epochs) ** rng.uniform(0.5, 2, size=(k, 1))
            cross_entropy = rng.uniform(0.2, 0.6, size=(k, 1)) * np.linspace(1.5, 1.0, epochs)
            winner = np.argmin(np.where(np.arange(k) == ruined, np.inf, final_gap))
            if s % 2 == 0:  # the winner does not have the lowest validation cross-entropy
                cross_entropy[winner] += (cross_entropy[:, -1] + final_gap).max() - cross_entropy[winner, -1] + 0.05
            else:  # nor the smallest gap at some earlier epoch
                growth[winner] = 1.0
            inputs[f"lams{s}"] = lams
            inputs[f"ce{s}"] = cross_entropy
            inputs[f"val_ce{s}"] = cross_entropy + final_gap[:, None] * growth
            inputs[f"val_acc{s}"] = final_accuracy[:, None] * np.linspace(0.9, 1.0, epochs)
            inputs[f"penalty{s}"] = rng.uniform(0.0, 2.0, size=k) * (lams > 0)
        return inputs

    def probe(self, inputs, choose_lambda, histories):
        evidence = {}
        for s in range(self.sets):
            made_up = _histories(inputs[f"lams{s}"], inputs[f"ce{s}"], inputs[f"val_ce{s}"],
                                 inputs[f"val_acc{s}"], inputs[f"penalty{s}"])
            evidence[f"choice{s}"] = float(choose_lambda(made_up))
        lams = sorted(histories)
        evidence["lams"] = np.array(lams, dtype=float)
        for key in ("cross_entropy", "val_cross_entropy", "val_accuracy"):
            evidence[key] = np.array([histories[lam][key] for lam in lams], dtype=float)
        evidence["choice"] = float(choose_lambda(histories)) if histories else np.nan
        return evidence


activity_layer = ActivityLayer()
regularized_model = RegularizedModel()
total_loss = TotalLoss()
lambda_choice = LambdaChoice()

"""Hidden tests of lesson 03, activity regularization with ``add_loss``.

The layer is built with a regularization factor drawn at random, so a
hard-coded or ignored ``lam`` cannot pass. The total-loss function is probed
on a small model made here (not by the student), which is never compiled, so
it cannot lean on ``model.evaluate``; its Dropout layer tells inference mode
(what ``evaluate`` uses) from training mode. The choice of lambda is probed
on made-up histories and on the student's own experiment.
"""
import keras
import numpy as np

from grader_tests import expect
from grader_tests.exercise import Exercise, config_evidence
from grader_tests.numpy_ops import softmax

PARAMETERS = 535_818
EXPERIMENT_LAMBDAS = (0.0, 1e-5, 1e-4, 1e-3)
ACCURACY_MARGIN = 0.05


def _loss_terms(layer_or_model):
    """The number of terms in ``.losses``, how many numbers they hold, and their sum."""
    terms = [keras.ops.convert_to_numpy(term) for term in layer_or_model.losses]
    return len(terms), sum(int(np.size(t)) for t in terms), float(sum(np.sum(t) for t in terms))


def _mistake_hint(got, x, lam):
    """Name the usual mistake when the loss matches it, else the general hint."""
    usual = {
        "the mean": lam * np.mean(x ** 2),
        "lam * sum(x ** 2) without lam": np.sum(x ** 2),
        "the absolute value": lam * np.sum(np.abs(x)),
        "the square root of the sum": lam * np.sqrt(np.sum(x ** 2)),
    }
    for name, value in usual.items():
        if np.isclose(got, value, rtol=1e-4):
            return f"Your loss equals {name} instead: use lam * sum(x ** 2) over every number of the batch."
    return "The loss should be self.lam * keras.ops.sum(x ** 2), summed over every number of the batch."


class ActivityLayer(Exercise):
    key = "activity_layer"
    title = "Exercise 1 (ActivityRegularization layer)"

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
        evidence.update(config_evidence(layer_class, inputs["lam"]))
        config = layer.get_config()
        evidence["config_has_lam"] = "lam" in config
        evidence["clone_loss"] = np.nan
        if evidence["config_has_lam"]:
            clone = layer_class.from_config(config)
            clone(inputs["x2"])
            evidence["clone_loss"] = _loss_terms(clone)[2]
        return evidence

    def judge(self, inputs, evidence):
        lam = inputs["lam"]
        expect.equal(self.title, "the number of weights", evidence["weights"], 0,
                     "The layer needs no weights: do not call add_weight.")
        for name in ("2", "3"):
            x = inputs[f"x{name}"]
            expect.close(self.title, f"the output for an input of shape {x.shape}", evidence[f"out{name}"], x,
                         "The layer must return its input unchanged: return x.", atol=1e-6, rtol=1e-6)
            expect.equal(self.title, f"len(layer.losses) after a call on shape {x.shape}",
                         evidence[f"terms{name}"], 1, "Call self.add_loss once per call.")
            expect.equal(self.title, "the number of values in the added loss", evidence[f"size{name}"], 1,
                         "Add one number: sum x ** 2 over the whole batch, then multiply by lam.")
            expect.close(self.title, f"the added loss for an input of shape {x.shape} and lam={lam:.4g}",
                         evidence[f"loss{name}"], lam * np.sum(x.astype(np.float64) ** 2),
                         _mistake_hint(float(evidence[f"loss{name}"]), x.astype(np.float64), lam), rtol=1e-4)
        expect.equal(self.title, "'lam' in layer.get_config()", evidence["config_has_lam"], True,
                     'get_config must return the base config plus "lam": {**super().get_config(), "lam": self.lam}.')
        expect.close(self.title, "the loss of a copy made with from_config(get_config())", evidence["clone_loss"],
                     lam * np.sum(inputs["x2"].astype(np.float64) ** 2),
                     "get_config must return the base config plus 'lam'.", rtol=1e-4)
        expect.config_round_trip(self.title, evidence, {"lam": lam})


def _relu(x):
    return np.maximum(x, 0.0)


class RegularizedModel(Exercise):
    key = "regularized_model"
    title = "Exercise 2 (regularized classifier)"
    shapes = ((784, 512), (512,), (512, 256), (256,), (256, 10), (10,))

    def inputs(self, rng):
        return {
            "lam": float(10 ** rng.uniform(-5, -3)),
            "first": rng.integers(0, 256, size=(6, 28, 28), dtype=np.uint8),
            "second": rng.integers(0, 256, size=(3, 28, 28), dtype=np.uint8),
        }

    def probe(self, inputs, make_regularized_model):
        model = make_regularized_model(inputs["lam"])
        evidence = {"params": model.count_params()}
        for batch in ("first", "second"):
            evidence[f"out_{batch}"] = model(inputs[batch])
            evidence[f"terms_{batch}"], _, evidence[f"loss_{batch}"] = _loss_terms(model)
        for i, weight in enumerate(model.weights):
            evidence[f"weight{i}"] = weight
        return evidence

    def judge(self, inputs, evidence):
        expect.equal(self.title, "the number of parameters", evidence["params"], PARAMETERS,
                     "Flatten, rescale, Dense(512, relu), reg, Dense(256, relu), reg, Dense(10, softmax).")
        weights = [evidence.get(f"weight{i}") for i in range(len(self.shapes))]
        got_shapes = [None if w is None else w.shape for w in weights]
        expect.equal(self.title, "the weight shapes", str(got_shapes), str(list(self.shapes)),
                     "Use exactly three Dense layers: 512, 256 and 10 units.")
        w1, b1, w2, b2, w3, b3 = weights
        for batch in ("first", "second"):
            images = inputs[batch]
            hidden1 = _relu(images.reshape(len(images), -1) / 255.0 @ w1 + b1)
            hidden2 = _relu(hidden1 @ w2 + b2)
            expect.close(self.title, f"the predicted probabilities of {len(images)} new images",
                         evidence[f"out_{batch}"], softmax(hidden2 @ w3 + b3),
                         "The layers should be Flatten, rescale (/255), Dense(512, relu), reg, "
                         "Dense(256, relu), reg, Dense(10, softmax), in that order.", atol=1e-4, rtol=1e-3)
            expect.equal(self.title, "len(model.losses) after a forward pass", evidence[f"terms_{batch}"], 2,
                         "Put one ActivityRegularization layer after each of the two hidden Dense layers.")
            wanted = inputs["lam"] * (np.sum(hidden1 ** 2) + np.sum(hidden2 ** 2))
            expect.close(self.title, f"sum(model.losses) for {len(images)} images and lam={inputs['lam']:.3g}",
                         evidence[f"loss_{batch}"], wanted,
                         "Regularize the activations of both hidden layers (not the weights) with "
                         "ActivityRegularization(lam), using the lam the function receives.", rtol=1e-3)


class _SquaredActivity(keras.layers.Layer):
    """The grader's own activity regularizer, so exercise 3 does not depend on exercise 1."""

    def __init__(self, lam, **kwargs):
        super().__init__(**kwargs)
        self.lam = lam

    def call(self, x):
        self.add_loss(self.lam * keras.ops.sum(keras.ops.square(x)))
        return x


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
    title = "Exercise 3 (total loss by hand)"
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

    def judge(self, inputs, evidence):
        for case, lam in zip(self.cases, (inputs["lam"], 0.0)):
            w1, b1, w2, b2, w3, b3 = (evidence[f"{case}_weight{i}"] for i in range(6))
            for batch in ("a", "b"):
                images, labels = inputs[f"images_{batch}"], inputs[f"labels_{batch}"]
                hidden = _relu(images.reshape(len(images), -1) / 255.0 @ w1 + b1)
                hidden2 = _relu(hidden @ w2 + b2)
                probabilities = softmax(hidden2 @ w3 + b3)
                cross_entropy = -np.mean(np.log(probabilities[np.arange(len(labels)), labels]))
                penalty = lam * np.sum(hidden ** 2) + lam * SECOND_LAM_FACTOR * np.sum(hidden2 ** 2)
                expect.shape(self.title, "the total loss", np.shape(evidence[f"{case}_{batch}"]), (),
                             "Return one number (a 0-d tensor or a float).")
                got = float(evidence[f"{case}_{batch}"])
                if lam and np.isclose(got, cross_entropy, rtol=1e-4):
                    hint = "That is the cross-entropy alone: add sum(model.losses)."
                elif lam and np.isclose(got, penalty, rtol=1e-4):
                    hint = "That is the regularization alone: add the mean cross-entropy."
                elif lam and np.isclose(got, cross_entropy + lam * np.sum(hidden ** 2), rtol=1e-4):
                    hint = "That counts only the first term of model.losses: add them all, sum(model.losses)."
                elif lam and np.isclose(got, cross_entropy + penalty / 2, rtol=1e-4):
                    hint = "That is the mean of model.losses: add the terms, sum(model.losses)."
                else:
                    hint = ("Call the model on the images in inference mode (model(images)), then return the "
                            "mean sparse categorical cross-entropy plus sum(model.losses).")
                expect.close(self.title, f"the total loss on {len(images)} images ({case} model)", got,
                             cross_entropy + penalty, hint, atol=1e-5, rtol=1e-4)


def _choice(lams, val_cross_entropy, cross_entropy, val_accuracy):
    """The rule of exercise 4, in NumPy."""
    gap = val_cross_entropy[:, -1] - cross_entropy[:, -1]
    allowed = val_accuracy[:, -1] >= val_accuracy[:, -1].max() - ACCURACY_MARGIN
    return lams[np.flatnonzero(allowed)[np.argmin(gap[allowed])]]


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
    title = "Exercise 4 (choice of lambda)"
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

    def judge(self, inputs, evidence):
        hint = ("Among the lambdas whose final val_accuracy is at most 0.05 below the best one, return the lambda "
                "with the smallest final gap val_cross_entropy - cross_entropy.")
        for s in range(self.sets):
            wanted = _choice(inputs[f"lams{s}"], inputs[f"val_ce{s}"], inputs[f"ce{s}"], inputs[f"val_acc{s}"])
            expect.close(self.title, f"the choice on made-up experiment {s + 1} (lambdas "
                         f"{np.array2string(inputs[f'lams{s}'], precision=2)})", evidence[f"choice{s}"], wanted,
                         hint, atol=0, rtol=1e-9)
        expect.close(self.title, "the lambdas of your experiment", evidence["lams"], sorted(EXPERIMENT_LAMBDAS),
                     "Run the experiment cell with the given LAMBDAS before this test.", atol=0, rtol=1e-9)
        wanted = _choice(evidence["lams"], evidence["val_cross_entropy"], evidence["cross_entropy"],
                         evidence["val_accuracy"])
        expect.close(self.title, "the choice on your own experiment", evidence["choice"], wanted, hint,
                     atol=0, rtol=1e-9)


activity_layer = ActivityLayer()
regularized_model = RegularizedModel()
total_loss = TotalLoss()
lambda_choice = LambdaChoice()

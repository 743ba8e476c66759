"""Judges of lesson03's hidden tests: they decide, outside the student's kernel, from the
evidence its probes saved (see :mod:`grader_tests.lesson03`, the kernel side)."""
import numpy as np
from grader_tests import expect
from grader_tests.numpy_ops import softmax
from grader_tests import lesson03 as probes
from grader_tests.lesson03 import ACCURACY_MARGIN, SECOND_LAM_FACTOR
from utils.i18n import _


PARAMETERS = 535_818


EXPERIMENT_LAMBDAS = (0.0, 1e-5, 1e-4, 1e-3)


def _mistake_hint(got, x, lam):
    """Name the usual mistake when the loss matches it, else the general hint."""
    usual = {
        _("the mean"): lam * np.mean(x ** 2),
        _("lam * sum(x ** 2) without lam"): np.sum(x ** 2),
        _("the absolute value"): lam * np.sum(np.abs(x)),
        _("the square root of the sum"): lam * np.sqrt(np.sum(x ** 2)),
    }
    for name, value in usual.items():
        if np.isclose(got, value, rtol=1e-4):
            return _("Your loss equals {mistake} instead: use lam * sum(x ** 2) over every number of the "
                     "batch.").format(mistake=name)
    return _("The loss should be self.lam * keras.ops.sum(x ** 2), summed over every number of the batch.")


def _relu(x):
    return np.maximum(x, 0.0)


def _choice(lams, val_cross_entropy, cross_entropy, val_accuracy):
    """The rule of exercise 4, in NumPy."""
    gap = val_cross_entropy[:, -1] - cross_entropy[:, -1]
    allowed = val_accuracy[:, -1] >= val_accuracy[:, -1].max() - ACCURACY_MARGIN
    return lams[np.flatnonzero(allowed)[np.argmin(gap[allowed])]]


class ActivityLayer(probes.ActivityLayer):
    def judge(self, inputs, evidence):
        lam = inputs["lam"]
        expect.equal(self.title, _("the number of weights"), evidence["weights"], 0,
                     _("The layer needs no weights: do not call add_weight."))
        for name in ("2", "3"):
            x = inputs[f"x{name}"]
            expect.close(self.title, _("the output for an input of shape {shape}").format(shape=x.shape),
                         evidence[f"out{name}"], x,
                         _("The layer must return its input unchanged: return x."), atol=1e-6, rtol=1e-6)
            expect.equal(self.title, _("len(layer.losses) after a call on shape {shape}").format(shape=x.shape),
                         evidence[f"terms{name}"], 1, _("Call self.add_loss once per call."))
            expect.equal(self.title, _("the number of values in the added loss"), evidence[f"size{name}"], 1,
                         _("Add one number: sum x ** 2 over the whole batch, then multiply by lam."))
            expect.close(self.title, _("the added loss for an input of shape {shape} and lam={lam}").format(
                             shape=x.shape, lam=f"{lam:.4g}"),
                         evidence[f"loss{name}"], lam * np.sum(x.astype(np.float64) ** 2),
                         _mistake_hint(float(evidence[f"loss{name}"]), x.astype(np.float64), lam), rtol=1e-4)
        x = inputs["x2"].astype(np.float64)
        for mode in ("inference", "training"):
            shown = _("training=True") if mode == "training" else _("training=False")
            expect.close(self.title, _("the added loss when the layer is called with {mode}").format(mode=shown),
                         evidence[f"{mode}_loss"], lam * np.sum(x ** 2),
                         _("Add the same penalty in both modes: fit trains on it (training=True) and evaluate "
                           "reports it (training=False), so call does not look at training."), rtol=1e-4)
            expect.close(self.title, _("the gradient of the added loss with respect to the input, with {mode}")
                         .format(mode=shown), evidence[f"{mode}_gradient"], 2 * lam * x,
                         _("Compute the penalty from x with keras.ops, not NumPy and not under stop_gradient, "
                           "so that its gradient, 2 * lam * x, reaches the layers before it and fit can shrink "
                           "their activations."), atol=1e-6, rtol=1e-4)
        expect.equal(self.title, "'lam' in layer.get_config()", evidence["config_has_lam"], True,
                     _('get_config must return the base config plus "lam": {**super().get_config(), "lam": self.lam}.'))
        expect.close(self.title, _("the loss of a copy made with from_config(get_config())"), evidence["clone_loss"],
                     lam * np.sum(inputs["x2"].astype(np.float64) ** 2),
                     _("get_config must return the base config plus 'lam'."), rtol=1e-4)
        expect.config_round_trip(self.title, evidence, {"lam": lam})


class RegularizedModel(probes.RegularizedModel):
    def judge(self, inputs, evidence):
        expect.equal(self.title, _("the number of parameters"), evidence["params"], PARAMETERS,
                     _("Flatten, rescale, Dense(512, relu), reg, Dense(256, relu), reg, Dense(10, softmax)."))
        weights = [evidence.get(f"weight{i}") for i in range(len(self.shapes))]
        got_shapes = [None if w is None else w.shape for w in weights]
        expect.equal(self.title, _("the weight shapes"), str(got_shapes), str(list(self.shapes)),
                     _("Use exactly three Dense layers: 512, 256 and 10 units."))
        w1, b1, w2, b2, w3, b3 = weights
        for batch in ("first", "second"):
            images = inputs[batch]
            hidden1 = _relu(images.reshape(len(images), -1) / 255.0 @ w1 + b1)
            hidden2 = _relu(hidden1 @ w2 + b2)
            expect.close(self.title, _("the predicted probabilities of {count} new images").format(count=len(images)),
                         evidence[f"out_{batch}"], softmax(hidden2 @ w3 + b3),
                         _("The layers should be Flatten, rescale (/255), Dense(512, relu), reg, "
                           "Dense(256, relu), reg, Dense(10, softmax), in that order."), atol=1e-4, rtol=1e-3)
            expect.equal(self.title, _("len(model.losses) after a forward pass"), evidence[f"terms_{batch}"], 2,
                         _("Put one ActivityRegularization layer after each of the two hidden Dense layers."))
            wanted = inputs["lam"] * (np.sum(hidden1 ** 2) + np.sum(hidden2 ** 2))
            expect.close(self.title, _("sum(model.losses) for {count} images and lam={lam}").format(
                             count=len(images), lam=f"{inputs['lam']:.3g}"),
                         evidence[f"loss_{batch}"], wanted,
                         _("Regularize the activations of both hidden layers (not the weights) with "
                           "ActivityRegularization(lam), using the lam the function receives."), rtol=1e-3)


class TotalLoss(probes.TotalLoss):
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
                expect.shape(self.title, _("the total loss"), np.shape(evidence[f"{case}_{batch}"]), (),
                             _("Return one number (a 0-d tensor or a float)."))
                got = float(evidence[f"{case}_{batch}"])
                if lam and np.isclose(got, cross_entropy, rtol=1e-4):
                    hint = _("That is the cross-entropy alone: add sum(model.losses).")
                elif lam and np.isclose(got, penalty, rtol=1e-4):
                    hint = _("That is the regularization alone: add the mean cross-entropy.")
                elif lam and np.isclose(got, cross_entropy + lam * np.sum(hidden ** 2), rtol=1e-4):
                    hint = _("That counts only the first term of model.losses: add them all, sum(model.losses).")
                elif lam and np.isclose(got, cross_entropy + penalty / 2, rtol=1e-4):
                    hint = _("That is the mean of model.losses: add the terms, sum(model.losses).")
                else:
                    hint = _("Call the model on the images in inference mode (model(images)), then return the "
                             "mean sparse categorical cross-entropy plus sum(model.losses).")
                what = (_("the total loss on {count} images (regularized model)") if case == "regularized" else
                        _("the total loss on {count} images (plain model)"))
                expect.close(self.title, what.format(count=len(images)), got,
                             cross_entropy + penalty, hint, atol=1e-5, rtol=1e-4)


class LambdaChoice(probes.LambdaChoice):
    def judge(self, inputs, evidence):
        hint = _("Among the lambdas whose final val_accuracy is at most 0.05 below the best one, return the lambda "
                 "with the smallest final gap val_cross_entropy - cross_entropy.")
        for s in range(self.sets):
            wanted = _choice(inputs[f"lams{s}"], inputs[f"val_ce{s}"], inputs[f"ce{s}"], inputs[f"val_acc{s}"])
            what = _("the choice on made-up experiment {number} (lambdas {lambdas})").format(
                number=s + 1, lambdas=np.array2string(inputs[f"lams{s}"], precision=2))
            expect.close(self.title, what, evidence[f"choice{s}"], wanted, hint, atol=0, rtol=1e-9)
        expect.close(self.title, _("the lambdas of your experiment"), evidence["lams"], sorted(EXPERIMENT_LAMBDAS),
                     _("Run the experiment cell with the given LAMBDAS before this test."), atol=0, rtol=1e-9)
        wanted = _choice(evidence["lams"], evidence["val_cross_entropy"], evidence["cross_entropy"],
                         evidence["val_accuracy"])
        expect.close(self.title, _("the choice on your own experiment"), evidence["choice"], wanted, hint,
                     atol=0, rtol=1e-9)


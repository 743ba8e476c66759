"""Judges of lesson05's hidden tests: they decide, outside the student's kernel, from the
evidence its probes saved (see :mod:`grader_tests.lesson05`, the kernel side)."""
import re

import numpy as np
from grader_tests import expect
from grader_tests.exercise import LOSS_BASE, from_json_evidence
from grader_tests import lesson05 as probes
from grader_tests.lesson05 import EPSILON, TRAINING_SCALE
from utils.i18n import N_, _, integer, number, significant


ENCODER_PARAMETERS = 133_504
# keras.optimizers.Adam(learning_rate=1e-3).get_config() without its name, which is free: every other
# setting is Adam's default, which the text leaves as it is.
ADAM_CONFIG = {"learning_rate": 1e-3, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False,
               "weight_decay": None, "clipnorm": None, "clipvalue": None, "global_clipnorm": None, "use_ema": False,
               "ema_momentum": 0.99, "ema_overwrite_frequency": None, "loss_scale_factor": None,
               "gradient_accumulation_steps": None}
# The types of a Python float: numpy.float64 is a subclass of float, and what np.mean returns.
FLOAT_TYPES = ("builtins.float", "numpy.float64")
# What wrong_mode says, by the mode the wrong loss was measured in.
WRONG_MODE = {
    "inference": N_("{what} is the loss of the model in inference mode: expected {expected}, got {got}."),
    "training": N_("{what} is the loss of the model in training mode: expected {expected}, got {got}."),
}


def contrastive(labels, distances, margin):
    """The contrastive loss with label 1 = same class, in NumPy."""
    y, d = np.ravel(labels).astype(np.float64), np.ravel(distances).astype(np.float64)
    return float(np.mean(y * d ** 2 + (1 - y) * np.maximum(margin - d, 0.0) ** 2))


def np_distances(first, second, weights, training=False):
    """Distances that the trusted siamese network of :func:`trusted_siamese` gives, in NumPy."""
    scale = TRAINING_SCALE if training else 1.0

    def encode(x):
        hidden = scale * np.maximum(x @ weights[0] + weights[1], 0.0)
        return np.maximum(hidden @ weights[2] + weights[3], 0.0)
    squared = np.sum((encode(first) - encode(second)) ** 2, axis=-1)
    return np.sqrt(np.maximum(squared, EPSILON))


def wrong_mode(title, what, got, right, other_mode, mode, hint):
    """Fail, saying so, when the loss ``got`` is the one of the trusted model run in the other ``mode``
    (its :class:`TrainingScale` then gives ``other_mode`` instead of ``right``)."""
    same = lambda a, b: np.isclose(a, b, atol=1e-5, rtol=1e-3)  # noqa: E731
    if np.ndim(got) == 0 and same(got, other_mode) and not same(got, right):
        raise expect.failure(title, _(WRONG_MODE[mode]).format(what=what, expected=number(significant(right, 6)),
                                                              got=number(significant(got, 6))),
                             hint)


def _weights_of(evidence, prefix, count=4):
    return [evidence[f"{prefix}{i}"] for i in range(count)]


class ClassIndices(probes.ClassIndices):
    def judge(self, inputs, evidence):
        for case, what in (("labels", _("labels of every class")), ("partial", _("labels that miss some classes")),
                           ("long", _("{count} labels").format(count=integer(self.long_count)))):
            y = inputs[case]
            expect.equal(self.title, _("the number of index arrays for {labels}").format(labels=what),
                         evidence[f"{case}_count"], 10,
                         _("One array per class, 0 to 9, even for a class that has no item: range(10), not the "
                           "classes found in y."))
            expect.equal(self.title, _("the number of dimensions of each array"), evidence[f"{case}_ndims"],
                         [1] * 10,
                         _("np.where(y == c) returns a tuple: take its first element, np.where(y == c)[0]."))
            expect.equal(self.title, _("the sizes of the arrays for {labels}").format(labels=what),
                         evidence[f"{case}_lengths"], np.bincount(y, minlength=10),
                         _("Array c holds the positions of every item of class c."))
            expect.equal(self.title, _("the indices, class after class, for {labels}").format(labels=what),
                         evidence[f"{case}_flat"], np.concatenate([np.where(y == c)[0] for c in range(10)]),
                         _("Array c should be np.where(y == c)[0], in increasing order; keep the integer "
                           "type np.where gives, which holds any position (a small type such as uint8 wraps "
                           "around)."))


class CreatePairs(probes.CreatePairs):
    # Each of the nine shares is 1/9 with a standard deviation of 0.0099 over 1,000 draws: 0.05 is five
    # of them, which a fair draw passes (all 90 shares) but 0 or 0.2 (a class left out, or drawn about
    # twice as often) does not.
    spread_tolerance = 0.05

    def judge(self, inputs, evidence):
        x, y = inputs["x"], inputs["labels"]
        indices = [np.where(y == c)[0] for c in range(10)]
        n = min(len(i) for i in indices) - 1
        pairs = evidence["pairs"]
        expect.shape(self.title, _("the pairs"), np.shape(pairs), (20 * n, 2, x.shape[1]),
                     _("With n = (smallest class size - 1) = {n}, there are 2 pairs per item: 20 * n in all, "
                       "each of shape (2, features).").format(n=n))
        expect.equal(self.title, _("the labels"), np.ravel(evidence["labels"]), np.tile([1, 0], 10 * n),
                     _("Labels alternate 1 (same class), 0 (different classes), starting with 1."))
        expect.equal(self.title, _("the dtype of the labels"), from_json_evidence(evidence["labels_dtype"]),
                     "float32",
                     _('The labels should be a float32 array: np.array([1, 0], dtype="float32"), repeated.'))
        ids = np.rint(pairs[:, :, 0]).astype(int)
        expect.close(self.title, _("the images in the pairs"), pairs, x[ids],
                     _("Each pair holds two rows of x, unchanged."))
        positives, negatives = ids[0::2], ids[1::2]
        want_positive = np.array([(indices[d][i], indices[d][i + 1]) for d in range(10) for i in range(n)])
        expect.equal(self.title, _("the positive pairs (as positions in x)"), positives, want_positive,
                     _("For class d and i < n, the positive pair is (item i of d, item i + 1 of d), "
                       "looping over d first, then i."))
        expect.equal(self.title, _("the first image of each negative pair"), negatives[:, 0], want_positive[:, 0],
                     _("The negative pair starts with item i of class d, like the positive one."))
        partner_class = y[negatives[:, 1]]
        own_class = np.repeat(np.arange(10), n)
        expect.equal(self.title, _("negative pairs of two different classes"),
                     bool(np.all(partner_class != own_class)), True,
                     _("Pick the other class as (d + rng.integers(1, 10)) % 10, never d itself."))
        position = np.array([np.searchsorted(indices[c], j) for c, j in zip(partner_class, negatives[:, 1])])
        expect.equal(self.title, _("the position of the second image in its class"), position,
                     np.tile(np.arange(n), 10),
                     _("The second image of a negative pair is item i of the other class."))
        self.judge_spread(inputs["spread_labels"], evidence["spread"])
        expect.equal(self.title, _("pairs from two calls with the same rng seed are identical"),
                     bool(np.array_equal(pairs, evidence["again"])), True,
                     _("Draw random numbers from the rng argument only, never from np.random."))
        expect.equal(self.title, _("a different rng gives different negative pairs"),
                     bool(np.array_equal(pairs, evidence["other"])), False,
                     _("The other class must be drawn at random, with the rng argument."))

    def judge_spread(self, y, spread):
        """Each class's negative partners: each of the nine other classes about 1/9 of the time."""
        n = self.spread_per_class - 1
        expect.shape(self.title, _("the pairs for {count} items per class").format(count=self.spread_per_class),
                     np.shape(spread), (20 * n, 2, 1), _("There are 2 pairs per item: 20 * n in all."))
        classes = y[np.rint(spread[1::2, :, 0]).astype(int)]
        counts = np.zeros((10, 10))
        np.add.at(counts, (classes[:, 0], classes[:, 1]), 1)
        expect.equal(self.title, _("the number of negative pairs (of {total}) with two images of the same class")
                     .format(total=10 * n), int(np.trace(counts)), 0,
                     _("Pick the other class as (d + rng.integers(1, 10)) % 10, never d itself."))
        gaps = np.abs(counts / n - (1 - np.eye(10)) / 9)
        d, other = np.unravel_index(np.argmax(gaps), gaps.shape)
        expect.close(self.title, _("the share of class {d}'s {n} negative pairs whose other image is of class "
                                   "{other}").format(d=d, n=n, other=other),
                     counts[d, other] / n, 1 / 9,
                     _("The other class should be any of the nine others with the same chance, 1/9: "
                       "dn = (d + rng.integers(1, 10)) % 10, where rng.integers(1, 10) gives 1 to 9 (10 is left out)."),
                     atol=self.spread_tolerance, rtol=0)


class ContrastiveLoss(probes.ContrastiveLoss):
    def judge(self, inputs, evidence):
        expect.equal(self.title, _("whether ContrastiveLoss is built on the grader's trusted pieces"),
                     evidence["borrowed"], False,
                     _("Write ContrastiveLoss yourself; the grader's own pieces are not an answer."))
        y, d = inputs["labels"], inputs["distances"]
        expect.equal(self.title, "isinstance(loss, keras.losses.Loss)", evidence["is_loss"], True,
                     _("Subclass keras.losses.Loss."))
        for k, margin in enumerate(self.margins):
            want = contrastive(y, d, margin)
            hint = _("Per pair: y * d**2 + (1 - y) * max(margin - d, 0)**2 with y = 1 for the same class; "
                     "return one value per pair and let Keras average them.")
            expect.close(self.title, _("the loss with margin {margin}").format(margin=margin), evidence[f"flat{k}"],
                         want, hint)
            expect.close(self.title, _("the loss with margin {margin} when the distances have shape (n, 1)")
                         .format(margin=margin), evidence[f"column{k}"], want,
                         _("Flatten y_true and y_pred to shape (n,) first, so that they cannot broadcast "
                           "into an (n, n) matrix."))
            expect.close(self.title, _("the loss with margin {margin} when the labels have shape (n, 1)")
                         .format(margin=margin), evidence[f"label_column{k}"], want,
                         _("Flatten y_true to shape (n,) too (and cast it to the distances' dtype), so that labels "
                           "of shape (n, 1) cannot broadcast with the distances into an (n, n) matrix."))
            expect.close(self.title, "loss.margin", evidence[f"margin{k}"], margin,
                         _("Keep the margin as self.margin."))
            expect.close(self.title, _("the loss rebuilt from get_config()"), evidence[f"config{k}"], want,
                         _("get_config() should return the parent's config plus 'margin'."))
        expect.close(self.title, _("the loss with the default margin"), evidence["default"], contrastive(y, d, 1.0),
                     _("The default margin is 1.0."))
        expect.config_round_trip(self.title, evidence, {"margin": self.margins[1]}, base=LOSS_BASE)


class Encoder(probes.Encoder):
    def judge(self, inputs, evidence):
        hint = _("Dense(128, relu), Dropout, Dense(128, relu), Dropout, Dense(128, relu) on 784 inputs.")
        expect.equal(self.title, _("the number of parameters"), evidence["params"], ENCODER_PARAMETERS, hint)
        expect.equal(self.title, _("the number of weight tensors"), evidence["weight_count"], 6, hint)
        weights = _weights_of(evidence, "weight", 6)
        expect.equal(self.title, _("the weight shapes"), str([w.shape for w in weights]),
                     str([(784, 128), (128,), (128, 128), (128,), (128, 128), (128,)]), hint)
        h = inputs["x"]
        for kernel, bias in zip(weights[0::2], weights[1::2]):
            h = np.maximum(h @ kernel + bias, 0.0)
        expect.close(self.title, _("the embeddings (inference mode)"), evidence["output"], h,
                     _("Every Dense layer uses activation='relu', the last one too."), atol=1e-4, rtol=1e-3)
        expect.equal(self.title, _("the number of Dropout layers"), evidence["dropouts"], 2,
                     _("One Dropout after each of the first two Dense layers."))
        expect.equal(self.title, _("the Dense and Dropout layers, in order"),
                     str(from_json_evidence(evidence["layer_order"])),
                     str(["Dense", "Dropout", "Dense", "Dropout", "Dense"]),
                     _("Dense, Dropout, Dense, Dropout, Dense: each Dropout comes right after one of the first two "
                       "Dense layers, none before the first or after the last."))
        expect.close(self.title, _("the dropout rates of make_encoder()"), evidence["rates"], [0.1, 0.1],
                     _("Keep the signature's default, make_encoder(units=128, dropout=0.1), and use it for "
                       "both layers."))
        expect.equal(self.title, _("dropout changes the output in training mode"),
                     bool(not np.allclose(evidence["training_output"], evidence["output"])), True,
                     _("Give the Dropout layers a rate above 0."))
        expect.equal(self.title, _("the parameters of make_encoder(units=32, dropout=0.25)"),
                     evidence["small_params"], 784 * 32 + 32 + 2 * (32 * 32 + 32),
                     _("Use the units argument for all three Dense layers."))
        expect.close(self.title, _("the dropout rates of make_encoder(units=32, dropout=0.25)"),
                     evidence["small_rates"], [0.25, 0.25], _("Use the dropout argument as the rate of both layers."))


class Distance(probes.Distance):
    def judge(self, inputs, evidence):
        expect.equal(self.title, _("whether EuclideanDistance is built on the grader's trusted pieces"),
                     evidence["borrowed"], False,
                     _("Write EuclideanDistance yourself; the grader's own pieces are not an answer."))
        u, v = inputs["u"], inputs["v"]
        want = np.sqrt(np.sum((u - v) ** 2, axis=-1))
        out = evidence["output"]
        if np.shape(out) not in ((7,), (7, 1)):
            expect.shape(self.title, _("the output for 7 pairs"), np.shape(out), (7,),
                         _("Sum over the last axis: one distance per pair, shape (batch,) or (batch, 1)."))
        expect.close(self.title, _("the distances"), np.ravel(out), want,
                     _("d = sqrt(max(sum((u - v)**2, axis=-1), epsilon)): do not forget the square root."),
                     atol=1e-3, rtol=1e-4)
        if tuple(evidence["one_shape"]) not in ((1,), (1, 1)):
            expect.shape(self.title, _("the output for a batch of one pair"), evidence["one_shape"], (1,),
                         _("Keep the batch axis: one distance per pair, even for one pair. ops.squeeze drops it "
                           "when the batch has one pair; sum over axis=-1 instead."))
        expect.close(self.title, _("the distance of a batch of one pair"), np.ravel(evidence["one"]), want[:1],
                     _("d = sqrt(max(sum((u - v)**2, axis=-1), epsilon)) for each pair."), atol=1e-3, rtol=1e-4)
        expect.close(self.title, _("the distances inside a functional model"), np.ravel(evidence["symbolic"]), want,
                     _("Use keras.ops so the layer also works on symbolic inputs."), atol=1e-3, rtol=1e-4)
        expect.equal(self.title, _("the number of weights"), evidence["weights"], 0,
                     _("A distance has nothing to learn."))
        zero = np.ravel(evidence["zero"])
        expect.equal(self.title, _("the distance of an image to itself is (almost) 0"),
                     bool(np.all(np.isfinite(zero)) and np.all(np.abs(zero) < 1e-2)), True,
                     _("Keep epsilon small, like 1e-7 (keras.config.epsilon())."))
        gradient = evidence["gradient"]
        expect.equal(self.title, _("whether the gradient at zero distance is finite"),
                     bool(np.all(np.isfinite(gradient))), True,
                     _("sqrt has an infinite slope at 0: take sqrt(max(sum, epsilon)) so the gradient stays finite."))


class Siamese(probes.Siamese):
    def judge(self, inputs, evidence):
        expect.equal(self.title, _("the number of inputs"), evidence["inputs"], 2, _("One keras.Input per image."))
        use_layer = _("Measure the distance with your layer: EuclideanDistance()([encoder(first), encoder(second)]) "
                      "is the model's output (not a Lambda layer or keras.ops on the embeddings).")
        expect.equal(self.title, _("the number of EuclideanDistance layers in the model"),
                     evidence["distance_layers"], 1, use_layer)
        expect.equal(self.title, _("whether the model's output is computed by your EuclideanDistance layer"),
                     bool(evidence["output_by_distance"]), True,
                     use_layer + " " + _("The output now comes from {layers}.").format(
                         layers=from_json_evidence(evidence["output_layers"])))
        expect.equal(self.title, _("the parameters of a siamese model around a 4,710-parameter encoder"),
                     evidence["params"], 4_710,
                     _("Call the same encoder on both inputs: its weights are shared, so they count once."))
        embed = lambda x: x @ inputs["kernel"] + inputs["bias"]  # noqa: E731
        want = np.sqrt(np.sum((embed(inputs["first"]) - embed(inputs["second"])) ** 2, axis=-1))
        expect.close(self.title, _("the output"), np.ravel(evidence["output"]), want,
                     _("The output is EuclideanDistance()([encoder(first), encoder(second)])."), atol=1e-3, rtol=1e-4)
        expect.equal(self.title, _("the parameters of make_siamese(make_encoder())"), evidence["full_params"],
                     ENCODER_PARAMETERS, _("The siamese model has exactly the encoder's 133,504 parameters."))


def same_setting(got, wanted):
    """Whether a config value is the one wanted: numbers as float32 keeps them, anything else exactly."""
    number = lambda value: isinstance(value, (int, float)) and not isinstance(value, bool)  # noqa: E731
    if number(got) and number(wanted):
        return bool(np.isclose(got, wanted, rtol=1e-6, atol=0))
    return type(got) is type(wanted) and got == wanted


class Training(probes.Training):
    def judge(self, inputs, evidence):
        if not evidence["exact_adam"]:
            raise expect.failure(self.title, _("the optimizer should be a keras.optimizers.Adam, got a {kind}.").format(
                kind=from_json_evidence(evidence["optimizer_class"])),
                _("Use keras.optimizers.Adam itself, not another optimizer or a subclass of it such as AdamW."))
        config = from_json_evidence(evidence["optimizer_config"])
        config = config if isinstance(config, dict) else {}
        for key, wanted in ADAM_CONFIG.items():
            got = config.get(key, _("nothing"))
            if not same_setting(got, wanted):
                raise expect.failure(
                    self.title, _("the optimizer's {key} should be {expected}, got {got}.").format(
                        key=key, expected=repr(wanted), got=repr(got)),
                    _("Use keras.optimizers.Adam(learning_rate=1e-3) and leave every other setting at its default."))
        expect.close(self.title, "loss.margin", evidence["margin"], 1.0, _("Make the loss with margin=1.0."))
        expect.close(self.title, _("the loss value"), evidence["loss"],
                     contrastive(inputs["labels"], inputs["distances"], 1.0), _("Return ContrastiveLoss(margin=1.0)."))


class TrainStep(probes.TrainStep):
    def judge(self, inputs, evidence):
        expect.equal(self.title, _("whether make_train_step is the grader's trusted step"), evidence["borrowed"],
                     False, _("Write make_train_step yourself; the grader's own step is not an answer."))
        pairs, labels, before = inputs["pairs"], inputs["labels"], inputs["weights"]
        after = _weights_of(evidence, "after")
        loss_before = contrastive(labels, np_distances(pairs[:, 0], pairs[:, 1], before, training=True), self.margin)
        returned = _("the loss that train_step returns")
        wrong_mode(self.title, returned, evidence["loss"], loss_before,
                   contrastive(labels, np_distances(pairs[:, 0], pairs[:, 1], before), self.margin), "inference",
                   _("Call model(x_pair, training=True) inside the tape: training=True switches dropout on."))
        expect.close(self.title, returned, evidence["loss"], loss_before,
                     _("Return loss_fn(y, model(x_pair, training=True)), computed inside the tape before the "
                       "update, with the loss_fn given to make_train_step (the test gives one with margin "
                       "{margin}).").format(margin=self.margin), atol=1e-5, rtol=1e-3)
        expect.equal(self.title, _("the steps taken by the optimizer given to make_train_step, after one call"),
                     evidence["iterations"], 1,
                     _("Apply the gradients once per call with the optimizer given to make_train_step "
                       "(optimizer.apply_gradients), not with an optimizer of your own."))
        expect.equal(self.title, _("train_step is compiled with tf.function"), evidence["tf_function"], True,
                     _("Decorate the inner function with @tf.function."))
        changed = [not np.allclose(b, a, rtol=0, atol=0) for b, a in zip(before, after)]
        expect.equal(self.title, _("which weight tensors one step changed"), changed, [True] * 4,
                     _("Take the gradient of the loss with respect to model.trainable_weights and "
                       "apply it with optimizer.apply_gradients."))
        loss_after = contrastive(labels, np_distances(pairs[:, 0], pairs[:, 1], after, training=True), self.margin)
        expect.equal(self.title, _("one step lowers the loss on its batch"), bool(loss_after < loss_before), True,
                     _("The loss went from {before} to {after}: step down the gradient.").format(
                         before=number(loss_before, 6), after=number(loss_after, 6)))


class Evaluate(probes.Evaluate):
    def judge(self, inputs, evidence):
        d = inputs["distances"]
        for name, margin in (("same1", 1.0), ("same2", self.margin)):
            expect.equal(self.title, f"predict_same(distances, margin={margin})", np.ravel(evidence[name]),
                         (d <= margin / 2).astype(int),
                         _("Same class (1) when the distance is at most margin / 2, else 0."))
        dtype = from_json_evidence(evidence["same_dtype"])
        if not (dtype == "bool" or str(dtype).startswith(("int", "uint"))):
            raise expect.failure(self.title,
                                 _("predict_same should return an array of integers, got dtype {dtype}.")
                                 .format(dtype=dtype),
                                 _('Turn the comparison into integers: (distances <= margin / 2).astype("int64").'))
        wrong_types = [kind for kind in from_json_evidence(evidence["types"]) or ["?"] if kind not in FLOAT_TYPES]
        if wrong_types:
            raise expect.failure(self.title, _("evaluate should return two Python floats, (loss, accuracy), got "
                                               "a {kind}.").format(kind=wrong_types[0]),
                                 _("Return plain Python floats: float(loss), float(accuracy)."))
        pairs, labels = inputs["pairs"], inputs["labels"]
        distances = np_distances(pairs[:, 0], pairs[:, 1], inputs["weights"])
        measured = _("the loss from evaluate")
        wrong_mode(self.title, measured, evidence["loss"], contrastive(labels, distances, self.margin),
                   contrastive(labels, np_distances(pairs[:, 0], pairs[:, 1], inputs["weights"], training=True),
                               self.margin), "training",
                   _("Measure the model in inference mode, dropout off: model.predict([pairs[:, 0], pairs[:, 1]], "
                     "batch_size=4096, verbose=0)."))
        expect.close(self.title, measured, evidence["loss"], contrastive(labels, distances, self.margin),
                     _("Predict the distances of all pairs, then apply loss_fn to all of them."), atol=1e-5, rtol=1e-3)
        expect.close(self.title, _("the accuracy from evaluate"), evidence["accuracy"],
                     np.mean((distances <= self.margin / 2) == labels),
                     _("The fraction of pairs where predict_same(distances, loss_fn.margin) equals the label: "
                       "the threshold is margin / 2."))
        pairs, labels = inputs["large_pairs"], inputs["large_labels"]
        distances = np_distances(pairs[:, 0], pairs[:, 1], inputs["weights"])
        chunks = _("Every pair counts the same: take the loss and the accuracy over all the pairs at once (or "
                   "weigh each chunk by its number of pairs; the last chunk is smaller).")
        expect.close(self.title, _("the loss from evaluate on {count} pairs").format(count=integer(len(labels))),
                     evidence["large_loss"], contrastive(labels, distances, self.margin), chunks, atol=1e-5, rtol=1e-3)
        expect.close(self.title, _("the accuracy from evaluate on {count} pairs").format(count=integer(len(labels))),
                     evidence["large_accuracy"], np.mean((distances <= self.margin / 2) == labels), chunks)


class Batches(probes.Batches):
    def judge(self, inputs, evidence):
        for k, (n, size) in enumerate(inputs["cases"]):
            case = _("n={n}, batch_size={size}").format(n=n, size=size)
            expect.equal(self.title, _("the batch sizes for {case}").format(case=case), evidence[f"sizes{k}"],
                         [size] * (n // size) + ([n % size] if n % size else []),
                         _("Full batches of batch_size, then one smaller batch with the rest (it may hold a single "
                           "index): range(0, n, batch_size) gives the start of each batch."))
            expect.equal(self.title, _("the number of dimensions of each batch for {case}").format(case=case),
                         evidence[f"ndims{k}"], [1] * len(evidence[f"sizes{k}"]),
                         _("Each batch is a 1-D array of indices, a batch of one too: slice the permutation, "
                           "order[start:start + batch_size], and do not squeeze it."))
            expect.equal(self.title, _("the indices in the batches for {case}, sorted").format(case=case),
                         np.sort(evidence[f"flat{k}"]), np.arange(n),
                         _("Split a permutation of range(n), every index once, in the integer type "
                           "rng.permutation gives (a small type such as uint8 wraps around)."))
        n = inputs["cases"][0][0]
        expect.equal(self.title, _("the batches are shuffled"),
                     bool(np.array_equal(evidence["first"], np.arange(n))), False,
                     _("Use rng.permutation(n), not the indices in order."))
        expect.equal(self.title, _("two calls (two epochs) give different batches"),
                     bool(np.array_equal(evidence["first"], evidence["second"])), False,
                     _("Draw a new permutation at every call."))
        expect.equal(self.title, _("a fresh rng with the same seed gives the same batches"),
                     bool(np.array_equal(evidence["first"], evidence["again"])), True,
                     _("Draw random numbers from the rng argument only, never from np.random."))


class FitLoop(probes.FitLoop):
    def judge(self, inputs, evidence):
        n, epochs = len(inputs["labels"]), self.epochs
        per_epoch = -(-n // self.batch_size)
        expect.equal(self.title, _("the number of train_step calls in {epochs} epochs of {n} pairs, batch size "
                                   "{size}").format(epochs=epochs, n=n, size=self.batch_size),
                     evidence["calls"], epochs * per_epoch,
                     _("Call train_step once per batch of make_batches(...), in every epoch."))
        orders = np.reshape(evidence["seen_first"], (epochs, n))
        for e in range(epochs):
            expect.equal(self.title, _("the pairs seen in epoch {epoch}").format(epoch=e + 1), np.sort(orders[e]),
                         np.arange(n), _("Every epoch sees every training pair once."))
        expect.equal(self.title, _("each epoch has a new order"), bool(len({tuple(o) for o in orders}) == epochs),
                     True, _("Call make_batches inside the epoch loop, so the pairs are reshuffled every epoch."))
        rng_hint = _("Shuffle with the rng given to fit_siamese: make_batches(len(labels), batch_size, rng).")
        expect.equal(self.title, _("a second run with the same rng seed gives the same first epoch"),
                     bool(np.array_equal(evidence["same_seed"], orders[0])), True, rng_hint)
        expect.equal(self.title, _("a run with another rng seed gives another first epoch"),
                     bool(np.array_equal(evidence["other_seed"], orders[0])), False, rng_hint)
        expect.equal(self.title, _("the pairs of the second images given to train_step"),
                     evidence["seen_second"] - self.partner, evidence["seen_first"],
                     _("Give train_step both images of the same pairs: (pairs[b, 0], pairs[b, 1])."))
        expect.equal(self.title, _("the labels given to train_step"), evidence["seen_labels"],
                     inputs["labels"][evidence["seen_first"]],
                     _("Give train_step the labels of the same pairs: labels[b]."))
        self.judge_printing(evidence, per_epoch)
        for name in ("loss", "accuracy", "val_loss", "val_accuracy"):
            expect.shape(self.title, f"history['{name}']", np.shape(evidence[name]), (epochs,),
                         _("Append one number per epoch to each list of the history."))
        final = _weights_of(evidence, "final")
        for prefix, pairs, labels, hint in (
                ("", inputs["pairs"], inputs["labels"],
                 _("At the end of each epoch, store evaluate(model, training pairs, labels, loss_fn).")),
                ("val_", inputs["val_pairs"], inputs["val_labels"],
                 _("At the end of each epoch, store evaluate(model, validation pairs, labels, loss_fn)."))):
            distances = np_distances(pairs[:, 0], pairs[:, 1], final)
            expect.close(self.title, _("{history} after the last epoch").format(history=f"history['{prefix}loss']"),
                         evidence[f"{prefix}loss"][-1], contrastive(labels, distances, 1.0), hint,
                         atol=1e-5, rtol=1e-3)
            expect.close(self.title, _("{history} after the last epoch").format(
                             history=f"history['{prefix}accuracy']"),
                         evidence[f"{prefix}accuracy"][-1], np.mean((distances <= 0.5) == labels), hint)


    def judge_printing(self, evidence, per_epoch):
        """The epoch lines and what the progress bars show, as the exercise describes them; not how a bar
        draws it (``verbose``, ``finalize`` and ``stateful_metrics`` are the student's to choose)."""
        epochs, names = self.epochs, sorted(["loss", "accuracy", "val_loss", "val_accuracy"])
        printed = re.findall(r"Epoch\s*(\d+)\s*/\s*(\d+)", str(from_json_evidence(evidence["printed"])))
        expect.equal(self.title, _("the epoch lines printed in {epochs} epochs").format(epochs=epochs),
                     [f"{e}/{n}" for e, n in printed], [f"{e}/{epochs}" for e in range(1, epochs + 1)],
                     _('At the start of each epoch, print(f"Epoch {epoch + 1}/{epochs}"): epochs count from 1.'))
        bar = _("Make one keras.utils.Progbar(len(batches), ...) in each epoch.")
        expect.equal(self.title, _("the number of progress bars made in {epochs} epochs").format(epochs=epochs),
                     len(evidence["bar_targets"]), epochs, bar)
        expect.equal(self.title, _("the target of each progress bar"), evidence["bar_targets"], [per_epoch] * epochs,
                     bar)
        updated = from_json_evidence(evidence["bar_updates"])
        expect.equal(self.title, _("the number of progress bars updated in {epochs} epochs").format(epochs=epochs),
                     len(updated) if isinstance(updated, list) else -1, epochs, bar)
        for e, updates in enumerate(updated, start=1):
            steps, shown = zip(*updates) if updates else ((), ())
            expect.equal(self.title, _("the steps given to progbar.update in epoch {epoch}").format(epoch=e), steps,
                         [*range(1, per_epoch + 1), per_epoch],
                         _("After batch number step (from 0), call progbar.update(step + 1, ...); at the end of the "
                           "epoch, progbar.update(len(batches), ...)."))
            expect.equal(self.title, _("the names shown by progbar.update in epoch {epoch}").format(epoch=e),
                         str([sorted(names_shown) for names_shown in shown]),
                         str([["batch_loss"]] * per_epoch + [names]),
                         _('Show [("batch_loss", float(loss))] after each batch, and the four numbers of the '
                           "history at the end of the epoch."))


class TrainedModel(probes.TrainedModel):
    def judge(self, inputs, evidence):
        distances = evidence["distances"]
        expect.shape(self.title, _("the distances of the test pairs"), np.shape(distances), (self.count,),
                     _("siamese should map two batches of images to one distance per pair."))
        accuracy = np.mean((distances <= 0.5) == inputs["labels"])
        expect.at_least(self.title, _("the pair accuracy on {count} new test pairs at threshold 0.5").format(
                            count=self.count), accuracy,
                        self.minimum_accuracy, _("Run the training cell before this test; check exercises 2-10."))

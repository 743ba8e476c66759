"""Judges of lesson00's hidden tests: they decide, outside the student's kernel, from the
evidence its probes saved (see :mod:`grader_tests.lesson00`, the kernel side)."""
import numpy as np
from grader_tests import expect
from grader_tests.numpy_ops import softmax
from grader_tests import lesson00 as probes
from utils.i18n import _, number


EPSILON = 1e-7  # keras.config.epsilon(): Keras clips probabilities to [EPSILON, 1 - EPSILON]


EXTREME_RTOL = 2e-2  # Keras computes in float32, where 1 - 1e-7 rounds to 1 - 1.19e-7


def sgd_steps(weight, bias, x, y, learning_rate, steps=2):
    """Plain gradient descent on the mean squared error of y = w x + b, in NumPy."""
    w, b = float(weight), float(bias)
    x, y = x.astype(np.float64).ravel(), y.astype(np.float64).ravel()
    path = []
    for _step in range(steps):
        error = w * x + b - y
        w, b = w - learning_rate * 2 * np.mean(error * x), b - learning_rate * 2 * np.mean(error)
        path.append((w, b))
    return np.array(path)


def _clip(p):
    return np.clip(np.asarray(p, dtype=np.float64), EPSILON, 1 - EPSILON)


def trusted_binary(y, p):
    y, p = np.asarray(y, dtype=np.float64), _clip(p)
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))


def trusted_categorical(y, p):
    y, p = np.asarray(y, dtype=np.float64), _clip(p)
    return float(np.mean(-np.sum(y * np.log(p), axis=-1)))


def trusted_sparse(labels, p):
    p = _clip(p)
    return float(np.mean(-np.log(p[np.arange(len(p)), np.asarray(labels, dtype=np.int64)])))


def parameter_count(hidden_units, inputs=784, classes=10):
    sizes = [inputs, *hidden_units, classes]
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


def dense_forward(images, weights):
    """Rescale, flatten, Dense-relu layers, Dense-softmax, in NumPy."""
    h = images.reshape(len(images), -1).astype(np.float64) / 255.0
    for kernel, bias in zip(weights[0:-2:2], weights[1:-2:2]):
        h = np.maximum(h @ kernel + bias, 0.0)
    return softmax(h @ weights[-2] + weights[-1])


class OneHot(probes.OneHot):
    def judge(self, inputs, evidence):
        cases = {"numpy": (inputs["labels"], inputs["classes"]),
                 "tensor": (inputs["labels"], inputs["classes"]),
                 "wide": (inputs["small"], inputs["classes"] + 2)}
        for name, (labels, classes) in cases.items():
            what = (_("one_hot of {count} labels with num_classes={classes} given as a Keras tensor")
                    if name == "tensor" else _("one_hot of {count} labels with num_classes={classes}"))
            what = what.format(count=len(labels), classes=int(classes))
            want = np.eye(int(classes))[np.asarray(labels, dtype=np.int64)]
            expect.shape(self.title, what, np.shape(evidence[name]), want.shape,
                         _("One row per label and one column per class: shape (len(labels), num_classes), "
                           "with num_classes from the argument."))
            expect.close(self.title, what, evidence[name], want,
                         _("Row i should be all zeros except a 1.0 in column labels[i]."), atol=0, rtol=0)
            expect.equal(self.title, _("isinstance(result, np.ndarray) for {what}").format(what=what),
                         evidence[f"{name}_is_numpy"],
                         True, _("Return a NumPy array: turn tensors into NumPy first (np.asarray or "
                                 "keras.ops.convert_to_numpy)."))
            expect.equal(self.title, _("result.dtype == float32 for {what}").format(what=what),
                         evidence[f"{name}_is_float32"],
                         True, _('Comparisons give booleans: finish with .astype("float32").'))


class LineModel(probes.LineModel):
    def judge(self, inputs, evidence):
        expect.equal(self.title, _("the number of parameters"), evidence["params"], 2,
                     _("One Dense(1) layer on one input: one weight and one bias."))
        x = inputs["x"].astype(np.float64)
        expect.close(self.title, _("the predictions of the untrained model (weight and bias set by the test)"),
                     evidence["before"], inputs["weight"] * x + inputs["bias"],
                     _("The model should compute w * x + b: Dense(1) with no activation."))
        path = sgd_steps(inputs["weight"], inputs["bias"], inputs["x"], inputs["y"], inputs["learning_rate"])
        expect.close(self.title, _("the learning rate of make_line_model() called without arguments"),
                     evidence["default_learning_rate"], 0.1,
                     _("Keep the default of the given signature, learning_rate=0.1, and pass it to SGD."))
        hint = _("Compile with keras.optimizers.SGD(learning_rate=learning_rate) (here {learning_rate}, "
                 "no momentum) and loss='mse'.").format(learning_rate=number(inputs['learning_rate'], 3))
        for step in (1, 2):
            expect.close(self.title, _("[weight, bias] after {step} training step(s) on a new batch").format(step=step),
                         evidence[f"step{step}"], path[step - 1], hint, atol=1e-5, rtol=1e-4)


class CrossEntropies(probes.CrossEntropies):
    def judge(self, inputs, evidence):
        def check(name, want, what, hint, extreme=False):
            got = np.asarray(evidence[name], dtype=np.float64)
            if got.size != 1:
                self.fail(_("{what} should be one number (the mean over the batch), got an array of shape "
                            "{shape}. Average with np.mean at the end.").format(what=what, shape=got.shape))
            tolerance = {"atol": 1e-3, "rtol": EXTREME_RTOL} if extreme else {"atol": 1e-6, "rtol": 1e-4}
            expect.close(self.title, what, got.reshape(()), want, hint, **tolerance)

        binary = _("Mean over every entry of -(y * log(p) + (1 - y) * log(1 - p)), natural log.")
        check("binary_vector", trusted_binary(inputs["b_y"], inputs["b_p"]),
              _("binary_crossentropy on 12 new probabilities"), binary)
        check("binary_matrix", trusted_binary(inputs["m_y"], inputs["m_p"]),
              _("binary_crossentropy on a (6, 4) multi-label batch"), binary + " " + _("Take the mean over both axes."))
        check("binary_extreme", trusted_binary(inputs["x_y"], inputs["x_p"]),
              _("binary_crossentropy when some p are exactly 0 or 1"),
              _("Clip p to [EPSILON, 1 - EPSILON] before the logs, with EPSILON = keras.config.epsilon()."),
              extreme=True)
        categorical = _("Per example -sum(y * log(p)) over the classes, then the mean over the batch.")
        check("categorical_hard", trusted_categorical(inputs["c_y"], inputs["c_p"]),
              _("categorical_crossentropy with one-hot labels"), categorical)
        check("categorical_soft", trusted_categorical(inputs["s_y"], inputs["s_p"]),
              _("categorical_crossentropy with soft labels (rows of y_true that are not one-hot)"),
              categorical + " " + _("Use every entry of y_true, not only its largest."))
        check("categorical_extreme", trusted_categorical(inputs["e_y"], inputs["e_p"]),
              _("categorical_crossentropy when some p are exactly 0 or 1"),
              _("Clip p to [EPSILON, 1 - EPSILON] before the log."), extreme=True)
        check("sparse", trusted_sparse(inputs["c_labels"], inputs["c_p"]),
              _("sparse_categorical_crossentropy on new labels"),
              _("Per example -log(p[i, labels[i]]): the probability of the true class; then the mean."))
        check("sparse_extreme", trusted_sparse(inputs["e_labels"], inputs["e_p"]),
              _("sparse_categorical_crossentropy when some p are exactly 0 or 1"),
              _("Clip p to [EPSILON, 1 - EPSILON] before the log."), extreme=True)
        precision = _("Compute in float32 or float64: float16 keeps about three digits.")
        check("binary_precise", trusted_binary(inputs["q_y"], inputs["q_p"]),
              _("binary_crossentropy when the true label has probability 0.999"), precision)
        check("categorical_precise", trusted_categorical(inputs["q_c_y"], inputs["q_c_p"]),
              _("categorical_crossentropy with a soft label and a probability of 0.001"), precision)
        check("categorical_near_one", trusted_categorical(np.eye(3)[inputs["n_labels"]], inputs["n_p"]),
              _("categorical_crossentropy when the true class has probability 0.999"), precision)
        check("sparse_near_one", trusted_sparse(inputs["n_labels"], inputs["n_p"]),
              _("sparse_categorical_crossentropy when the true class has probability 0.999"), precision)


class Classifier(probes.Classifier):
    def judge(self, inputs, evidence):
        expect.equal(self.title, _("the parameters of make_classifier()"), evidence["default_params"],
                     parameter_count((128,)),
                     _("The default, hidden_units=(128,), gives 784*128 + 128 + 128*10 + 10 = 101,770."))
        for name in ("one", "two"):
            hidden = tuple(int(n) for n in inputs[name])
            what = f"make_classifier(hidden_units={hidden})"
            hint = _("Rescaling(1 / 255), Flatten, one Dense(units, activation='relu') per entry of "
                     "hidden_units, then Dense(10, activation='softmax').")
            expect.equal(self.title, _("the parameters of {what}").format(what=what), evidence[f"{name}_params"],
                         parameter_count(hidden), hint)
            count = int(evidence[f"{name}_count"])
            weights = [evidence[f"{name}_weight{i}"] for i in range(count)]
            sizes = [784, *hidden, 10]
            want = [s for a, b in zip(sizes[:-1], sizes[1:]) for s in ((a, b), (b,))]
            expect.equal(self.title, _("the weight shapes of {what}").format(what=what),
                         str([w.shape for w in weights]), str(want), hint)
            expect.close(self.title, _("the class probabilities {what} gives for 6 new images").format(what=what),
                         evidence[f"{name}_output"], dense_forward(inputs["images"], weights),
                         _("Rescale the pixels by 1/255, use relu in every hidden layer and softmax at the "
                           "output."), atol=1e-5, rtol=1e-3)


class SaveAndReload(probes.SaveAndReload):
    def judge(self, inputs, evidence):
        expect.equal(self.title, _("a file at the path the function was given"), evidence["file_saved"], True,
                     _("Save with model.save(path), to exactly that path."))
        expect.equal(self.title, _("the returned model is a new object, not the one passed in"),
                     evidence["new_object"], True, _("Return keras.models.load_model(path)."))
        w1, b1, w2, b2 = (np.asarray(w, dtype=np.float64) for w in inputs["weights"])
        in_memory = softmax(np.maximum(inputs["x"] @ w1 + b1, 0.0) @ w2 + b2)
        want = softmax(np.maximum(inputs["x"] @ w1 + b1, 0.0) @ w2 * probes.FILE_SCALE + b2 * probes.FILE_SCALE)
        if np.allclose(evidence["output"], in_memory, atol=1e-5, rtol=1e-4):
            raise expect.failure(self.title, _("the returned model predicts with the weights of the model in "
                                               "memory, not with those its file holds (the test's model saves "
                                               "other weights)."),
                                 _("Return the model loaded back from the file: keras.models.load_model(path), "
                                   "not a copy of the model."))
        expect.close(self.title, _("the predictions of the reloaded model on new inputs"), evidence["output"], want,
                     _("The reloaded model should predict exactly what the saved one does: save the model, "
                       "then load that file."), atol=1e-5, rtol=1e-4)


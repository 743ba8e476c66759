"""Lesson 03's hidden tests pass the reference, fail the stub and every mutant, and pass every alternative."""

from tests.hidden_checks import HiddenChecks
from tests.inprocess import Mutant

LESSON = "03_add_loss"

_PENALTY = "self.add_loss(self.lam * keras.ops.sum(x ** 2))"
_CALL = "    def call(self, x):\n        ### BEGIN SOLUTION\n        " + _PENALTY
_HIDDEN_LAYERS = ('keras.layers.Dense(512, activation="relu"),\n'
                  '        ActivityRegularization(lam, name="regularize_512"),\n'
                  '        keras.layers.Dense(256, activation="relu"),\n'
                  '        ActivityRegularization(lam, name="regularize_256"),')

MUTANTS = [
    Mutant("mean instead of sum", "activity_layer", "keras.ops.sum(x ** 2)", "keras.ops.mean(x ** 2)",
           "activity_layer"),
    Mutant("returns x * lam", "activity_layer", "        return x\n", "        return x * self.lam\n",
           "activity_layer"),
    Mutant("returns relu(x)", "activity_layer", "        return x\n", "        return keras.ops.relu(x)\n",
           "activity_layer"),
    Mutant("lambda ignored in the layer", "activity_layer", "self.lam * keras.ops.sum", "keras.ops.sum",
           "activity_layer"),
    Mutant("abs instead of square", "activity_layer", "keras.ops.sum(x ** 2)", "keras.ops.sum(keras.ops.abs(x))",
           "activity_layer"),
    Mutant("add_loss missing", "activity_layer", _PENALTY, "_ = self.lam * keras.ops.sum(x ** 2)",
           "activity_layer"),
    Mutant("per-element loss, no sum", "activity_layer", "keras.ops.sum(x ** 2)", "x ** 2", "activity_layer"),
    Mutant("get_config without lam", "activity_layer", '{**super().get_config(), "lam": self.lam}',
           "super().get_config()", "activity_layer"),
    Mutant("get_config without the base config", "activity_layer", '{**super().get_config(), "lam": self.lam}',
           '{"lam": self.lam}', "activity_layer",
           hidden_only="the self-check's config round trip only compares lam"),
    Mutant("**kwargs not passed to the base class", "activity_layer", "super().__init__(**kwargs)",
           "super().__init__()", "activity_layer",
           hidden_only="the self-check never gives the layer a name or other base argument"),
    # The penalty must be there in training mode, and its gradient must reach the layer's input.
    Mutant("penalty only in inference mode", "activity_layer", _CALL,
           "    def call(self, x, training=None):\n        ### BEGIN SOLUTION\n        if not training:\n"
           "            " + _PENALTY, "activity_layer"),
    Mutant("penalty only when training is False", "activity_layer", _CALL,
           "    def call(self, x, training=False):\n        ### BEGIN SOLUTION\n        if training is False:\n"
           "            " + _PENALTY, "activity_layer"),
    Mutant("penalty under stop_gradient", "activity_layer", _PENALTY,
           "self.add_loss(keras.ops.stop_gradient(self.lam * keras.ops.sum(x ** 2)))", "activity_layer",
           hidden_only="the self-check computes no gradient"),
    Mutant("penalty of a detached input", "activity_layer", "keras.ops.sum(x ** 2)",
           "keras.ops.sum(keras.ops.stop_gradient(x) ** 2)", "activity_layer",
           hidden_only="the self-check computes no gradient"),
    Mutant("penalty computed in NumPy", "activity_layer", _PENALTY,
           "self.add_loss(self.lam * float(np.sum(keras.ops.convert_to_numpy(x) ** 2)))", "activity_layer",
           hidden_only="the self-check computes no gradient"),
    Mutant("regularization on the weights", "regularized_model", _HIDDEN_LAYERS,
           'keras.layers.Dense(512, activation="relu", kernel_regularizer=keras.regularizers.L2(lam)),\n'
           '        keras.layers.Dense(256, activation="relu", kernel_regularizer=keras.regularizers.L2(lam)),',
           "regularized_model"),
    Mutant("built-in activity_regularizer (divides by the batch size)", "regularized_model", _HIDDEN_LAYERS,
           'keras.layers.Dense(512, activation="relu", activity_regularizer=keras.regularizers.L2(lam)),\n'
           '        keras.layers.Dense(256, activation="relu", activity_regularizer=keras.regularizers.L2(lam)),',
           "regularized_model"),
    Mutant("lambda ignored in the model", "regularized_model", 'ActivityRegularization(lam, name="regularize_512")',
           'ActivityRegularization(1e-4, name="regularize_512")', "regularized_model"),
    Mutant("one regularization layer only", "regularized_model",
           '        ActivityRegularization(lam, name="regularize_256"),\n', "", "regularized_model"),
    Mutant("wrong parameter count", "regularized_model", "Dense(256,", "Dense(128,", "regularized_model"),
    Mutant("total loss omits the regularization", "total_loss",
           "return cross_entropy + keras.ops.sum(model.losses)", "return cross_entropy", "total_loss"),
    Mutant("total loss in training mode", "total_loss", "model(images)", "model(images, training=True)",
           "total_loss"),
    Mutant("summed cross-entropy", "total_loss", "keras.ops.mean(keras.losses", "keras.ops.sum(keras.losses",
           "total_loss"),
    Mutant("total loss counts the first add_loss term only", "total_loss", "keras.ops.sum(model.losses)",
           "model.losses[0]", "total_loss"),
    Mutant("total loss averages the add_loss terms", "total_loss", "keras.ops.sum(model.losses)",
           "keras.ops.mean(keras.ops.stack(model.losses))", "total_loss"),
    Mutant("gap with the wrong sign", "lambda_choice", "return min(kept, key=final_gap)",
           "return max(kept, key=final_gap)", "lambda_choice"),
]

# Correct answers written differently: each must keep every point.
ALTERNATIVES = [
    Mutant("keras.ops.square", "activity_layer", "keras.ops.sum(x ** 2)", "keras.ops.sum(keras.ops.square(x))",
           "activity_layer"),
    Mutant("tf.reduce_sum", "activity_layer", _PENALTY,
           "import tensorflow as tf\n        self.add_loss(self.lam * tf.reduce_sum(tf.square(x)))",
           "activity_layer"),
    Mutant("lam inside the sum", "activity_layer", _PENALTY, "self.add_loss(keras.ops.sum(self.lam * x ** 2))",
           "activity_layer"),
    Mutant("call with a training argument it ignores", "activity_layer", _CALL,
           _CALL.replace("call(self, x)", "call(self, x, training=None)"), "activity_layer"),
    Mutant("mean of the squares times their number", "activity_layer", "keras.ops.sum(x ** 2)",
           "keras.ops.mean(keras.ops.square(x)) * keras.ops.cast(keras.ops.size(x), x.dtype)", "activity_layer"),
    Mutant("functional model", "regularized_model", "    return keras.Sequential([\n",
           "    inputs = keras.Input(shape=(28, 28))\n"
           "    x = keras.layers.Flatten()(inputs)\n"
           "    x = keras.layers.Rescaling(1 / 255)(x)\n"
           "    x = ActivityRegularization(lam)(keras.layers.Dense(512, activation='relu')(x))\n"
           "    x = ActivityRegularization(lam)(keras.layers.Dense(256, activation='relu')(x))\n"
           "    return keras.Model(inputs, keras.layers.Dense(10, activation='softmax')(x))\n"
           "    return keras.Sequential([\n", "regularized_model"),
    Mutant("cross-entropy by hand, training=False", "total_loss",
           "    probabilities = model(images)\n"
           "    cross_entropy = keras.ops.mean(keras.losses.sparse_categorical_crossentropy(labels, probabilities))\n"
           "    return cross_entropy + keras.ops.sum(model.losses)",
           "    probabilities = keras.ops.convert_to_numpy(model(images, training=False))\n"
           "    cross_entropy = -np.mean(np.log(probabilities[np.arange(len(labels)), labels]))\n"
           "    return cross_entropy + sum(float(term) for term in model.losses)", "total_loss"),
]


# Slower variants (they train, or long cells run between their answer and its test): run with -m slow.
SLOW_MUTANTS = [
    Mutant("accuracy margin excludes its boundary", "lambda_choice",
           'history["val_accuracy"][-1] >= best_accuracy - 0.05', 'history["val_accuracy"][-1] > best_accuracy - 0.05',
           "lambda_choice", hidden_only="the self-check's made-up experiment has no lambda on the margin"),
    Mutant("relative accuracy margin", "lambda_choice",
           'history["val_accuracy"][-1] >= best_accuracy - 0.05', 'history["val_accuracy"][-1] >= best_accuracy * 0.95',
           "lambda_choice", hidden_only="the self-check's made-up experiment has no lambda near the margin"),
    Mutant("accuracy margin 0.06", "lambda_choice", "best_accuracy - 0.05", "best_accuracy - 0.06",
           "lambda_choice", hidden_only="the self-check's made-up experiment has no lambda near the margin"),
    Mutant("no accuracy guard", "lambda_choice", "if history[\"val_accuracy\"][-1] >= best_accuracy - 0.05", "",
           "lambda_choice"),
    Mutant("lowest validation cross-entropy", "lambda_choice",
           'histories[lam]["val_cross_entropy"][-1] - histories[lam]["cross_entropy"][-1]',
           'histories[lam]["val_cross_entropy"][-1]', "lambda_choice"),
]

SLOW_ALTERNATIVES = [
    Mutant("choice with NumPy", "lambda_choice", "    return min(kept, key=final_gap)",
           "    lams = list(histories)\n"
           "    gaps = np.array([final_gap(lam) if lam in kept else np.inf for lam in lams])\n"
           "    return lams[int(np.argmin(gaps))]", "lambda_choice"),
]


class TestHiddenChecks(HiddenChecks):
    LESSON, MUTANTS, ALTERNATIVES = LESSON, MUTANTS, ALTERNATIVES
    SLOW_MUTANTS, SLOW_ALTERNATIVES = SLOW_MUTANTS, SLOW_ALTERNATIVES

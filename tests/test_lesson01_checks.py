"""Lesson 01's hidden tests pass the reference, fail the stub and every mutant."""

from tests.hidden_checks import HiddenChecks
from tests.inprocess import Mutant

LESSON = "01_lambda_layers"

MUTANTS = [
    Mutant("doubles instead of squaring", "square_model", "return x ** 2", "return x * 2", "square_model"),
    Mutant("divides by 256", "rescale_layer", '"float32") / 255.0', '"float32") / 256.0', "rescale_layer"),
    Mutant("no rescaling", "rescale_layer", '"float32") / 255.0', '"float32")', "rescale_layer"),
    Mutant("concatenates on axis 0", "rectifier_layer", "axis=-1", "axis=0", "rectifier_layer"),
    Mutant("concatenates on axis 1", "rectifier_layer", "axis=-1", "axis=1", "rectifier_layer"),
    Mutant("relu(x) twice", "rectifier_layer", "keras.ops.relu(-x)", "keras.ops.relu(x)", "rectifier_layer"),
    Mutant("abs left out", "classifier", '        keras.layers.Lambda(absolute, name="absolute"),\n', "",
           "classifier"),
    Mutant("divides by the batch's largest pixel", "rescale_layer", 'keras.ops.cast(x, "float32") / 255.0',
           'keras.ops.cast(x, "float32") / keras.ops.cast(keras.ops.max(x), "float32")', "rescale_layer"),
    # The float32 the text fixes, and functions that run on symbolic tensors inside a compiled model.
    Mutant("no float32 cast", "rescale_layer", 'keras.ops.cast(x, "float32") / 255.0', "x / 255.0",
           "rescale_layer"),
    Mutant("float64 cast", "rescale_layer", '"float32") / 255.0', '"float64") / 255.0', "rescale_layer"),
    Mutant("float16 cast", "rescale_layer", '"float32") / 255.0', '"float16") / 255.0', "rescale_layer"),
    Mutant("NumPy rectifier", "rectifier_layer",
           "return keras.ops.concatenate([keras.ops.relu(x), keras.ops.relu(-x)], axis=-1)",
           "return np.concatenate([np.maximum(x, 0), np.maximum(-x, 0)], axis=-1)", "rectifier_layer",
           hidden_only="the self-check calls the layer eagerly, where NumPy works"),
    Mutant("NumPy Lambda subclass for the rectifier", "rectifier_layer",
           'return keras.layers.Lambda(concat_rectifier, name="concat_rectifier")',
           "class NumpyLambda(keras.layers.Lambda):\n"
           "        def call(self, x):\n"
           "            x = np.asarray(x)\n"
           "            return np.concatenate([np.maximum(x, 0), np.maximum(-x, 0)], axis=-1)\n"
           "    return NumpyLambda(concat_rectifier, output_shape=lambda shape: (*shape[:-1], 2 * shape[-1]))",
           "rectifier_layer", hidden_only="the self-check calls the layer eagerly, where NumPy works"),
    Mutant("NumPy Lambda subclass for the rescaling", "rescale_layer",
           'return keras.layers.Lambda(rescale, name="rescale")',
           "class NumpyLambda(keras.layers.Lambda):\n"
           "        def call(self, x):\n"
           '            return np.asarray(x, dtype="float32") / 255.0\n'
           "    return NumpyLambda(rescale, output_shape=lambda shape: shape)", "rescale_layer",
           hidden_only="the self-check calls the layer eagerly, where NumPy works"),
    Mutant("no Lambda in the square model", "square_model",
           'keras.layers.Lambda(square, name="square")', 'keras.layers.Identity()', "square_model"),
]

# Correct answers written differently: each must keep every point.
ALTERNATIVES = [
    Mutant("keras.ops.square", "square_model", "return x ** 2", "return keras.ops.square(x)", "square_model"),
    Mutant("x * x", "square_model", "return x ** 2", "return x * x", "square_model"),
    Mutant("multiplies by 1/255", "rescale_layer", '"float32") / 255.0', '"float32") * (1.0 / 255.0)',
           "rescale_layer"),
    Mutant("keras.ops.divide", "rescale_layer", 'keras.ops.cast(x, "float32") / 255.0',
           'keras.ops.divide(keras.ops.cast(x, "float32"), 255.0)', "rescale_layer"),
    Mutant("tf ops for the rectifier", "rectifier_layer",
           "return keras.ops.concatenate([keras.ops.relu(x), keras.ops.relu(-x)], axis=-1)",
           "import tensorflow as tf\n    return tf.concat([tf.nn.relu(x), tf.nn.relu(-x)], axis=-1)", "rectifier_layer"),
    Mutant("tf.cast in a keras.ops division", "rescale_layer", 'keras.ops.cast(x, "float32") / 255.0',
           'keras.ops.divide(keras.ops.cast(x, dtype="float32"), keras.ops.cast(255, "float32"))', "rescale_layer"),
    Mutant("maximum instead of relu", "rectifier_layer",
           "keras.ops.concatenate([keras.ops.relu(x), keras.ops.relu(-x)], axis=-1)",
           "keras.ops.concatenate([keras.ops.maximum(x, 0.0), keras.ops.maximum(-x, 0.0)], axis=-1)",
           "rectifier_layer"),
]


# Slower variants (they train, or long cells run between their answer and its test): run with -m slow.
SLOW_MUTANTS = [
    Mutant("input of two numbers in the square model", "square_model", "keras.Input(shape=(1,))",
           "keras.Input(shape=(2,))", "square_model",
           hidden_only="the self-check calls the model on (batch, 1) inputs, which a Lambda accepts anyway"),
    Mutant("stretches the batch to [0, 1]", "rescale_layer", 'keras.ops.cast(x, "float32") / 255.0',
           '(keras.ops.cast(x, "float32") - keras.ops.cast(keras.ops.min(x), "float32")) / '
           'keras.ops.cast(keras.ops.max(x) - keras.ops.min(x), "float32")', "rescale_layer"),
    Mutant("relu instead of abs", "classifier", 'keras.layers.Dense(128),', 'keras.layers.Dense(128, "relu"),',
           "classifier"),
    Mutant("no softmax", "classifier", 'Dense(10, activation="softmax")', "Dense(10)", "classifier"),
    Mutant("Dense(128, relu) in place of Dense(128) and Lambda(absolute)", "classifier",
           'keras.layers.Dense(128),\n        keras.layers.Lambda(absolute, name="absolute"),\n',
           'keras.layers.Dense(128, activation="relu"),\n', "classifier"),
]

SLOW_ALTERNATIVES = [
    Mutant("functional square model", "square_model",
           'return keras.Sequential([keras.Input(shape=(1,)), keras.layers.Lambda(square, name="square")])',
           "inputs = keras.Input(shape=(1,))\n    return keras.Model(inputs, keras.layers.Lambda(square)(inputs))",
           "square_model"),
    Mutant("softmax as a separate layer", "classifier", 'keras.layers.Dense(10, activation="softmax"),',
           'keras.layers.Dense(10), keras.layers.Softmax(),', "classifier"),
]


class TestHiddenChecks(HiddenChecks):
    LESSON, MUTANTS, ALTERNATIVES = LESSON, MUTANTS, ALTERNATIVES
    SLOW_MUTANTS, SLOW_ALTERNATIVES = SLOW_MUTANTS, SLOW_ALTERNATIVES

    def test_a_missing_cast_gets_the_hint_not_the_error(self, run_variant):
        """Without the cast, TensorFlow's own error text is replaced by what to do."""
        mutant = next(m for m in MUTANTS if m.name == "no float32 cast")
        message = str(run_variant(mutant)[mutant.breaks])
        assert 'keras.ops.cast(x, "float32")' in message and "Error" not in message, message

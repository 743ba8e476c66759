"""Lesson 02's hidden tests pass the reference, fail the stub and every mutant."""

from tests.hidden_checks import HiddenChecks
from tests.inprocess import Mutant

LESSON = "02_custom_layers"

_BIAS_WEIGHT = '''
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")'''
_DENSE_BUILD = '''        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform",
                                      name="kernel")'''
_DENSE_CALL = "return self.activation(x @ self.kernel + self.bias)"
_STATE = 'self.total = self.add_weight(shape=(input_shape[-1],), initializer="zeros", trainable=False, name="total")'
_RESIDUAL = "return self.activation(x + self.dense2(self.activation(self.dense1(x))))"
_SIMPLE_DENSE_BODY = ("self.activation = keras.activations.get(activation)\n        ### END SOLUTION\n\n"
                      "    def build(self, input_shape):\n        ### BEGIN SOLUTION\n" + _DENSE_BUILD
                      + _BIAS_WEIGHT + "\n        ### END SOLUTION\n\n    def call(self, x):\n"
                      "        ### BEGIN SOLUTION\n        " + _DENSE_CALL + "\n        ### END SOLUTION\n\n"
                      "    def get_config(self):\n        config = super().get_config()\n"
                      "        ### BEGIN SOLUTION\n        config.update(units=self.units, "
                      "activation=keras.activations.serialize(self.activation))")
_CONFIG = "config.update(units=self.units, activation=keras.activations.serialize(self.activation))"

MUTANTS = [
    # Exercise 1, SimpleDense
    Mutant("bias never created", "simple_dense", _BIAS_WEIGHT, "", "simple_dense"),
    Mutant("activation ignored", "simple_dense", _DENSE_CALL, "return x @ self.kernel + self.bias", "simple_dense"),
    Mutant("add_weight inside call", "simple_dense", _DENSE_CALL,
           'kernel = self.add_weight(shape=(x.shape[-1], self.units))\n'
           '        return self.activation(x @ kernel + self.bias)', "simple_dense"),
    Mutant("new random kernel at every call", "simple_dense", _DENSE_CALL,
           'kernel = keras.Variable(keras.random.normal((x.shape[-1], self.units)))\n'
           '        return self.activation(x @ kernel + self.bias)', "simple_dense"),
    Mutant("transposed kernel", "simple_dense", "shape=(input_shape[-1], self.units)",
           "shape=(self.units, input_shape[-1])", "simple_dense"),
    Mutant("get_config missing units", "simple_dense", _CONFIG,
           "config.update(activation=keras.activations.serialize(self.activation))", "simple_dense"),
    Mutant("get_config missing activation", "simple_dense", _CONFIG, "config.update(units=self.units)",
           "simple_dense"),
    Mutant("zero kernel", "simple_dense", 'initializer="glorot_uniform"', 'initializer="zeros"', "simple_dense"),
    Mutant("base config dropped", "simple_dense", "config = super().get_config()", "config = {}", "simple_dense"),
    Mutant("**kwargs not passed to the base class", "simple_dense", "super().__init__(**kwargs)",
           "super().__init__()", "simple_dense"),
    # Exercise 2, PreProcess
    Mutant("divides by 256", "preprocess", '"float32") / 255.0', '"float32") / 256.0', "preprocess"),
    Mutant("no rescaling", "preprocess", '"float32") / 255.0', '"float32")', "preprocess"),
    Mutant("no flatten", "preprocess", "return keras.ops.reshape(x, (-1, math.prod(inputs.shape[1:])))",
           "return x", "preprocess"),
    Mutant("divides by the batch's largest pixel", "preprocess", '"float32") / 255.0',
           '"float32") / keras.ops.cast(keras.ops.max(inputs), "float32")', "preprocess"),
    Mutant("flattens to a fixed 784", "preprocess", "math.prod(inputs.shape[1:])", "784", "preprocess"),
    Mutant("flattens the batch too", "preprocess", "(-1, math.prod(inputs.shape[1:]))", "(-1,)", "preprocess"),
    Mutant("row length unknown inside a model", "preprocess", "(-1, math.prod(inputs.shape[1:]))",
           "(keras.ops.shape(x)[0], -1)", "preprocess"),
    # Exercise 3, ComputeSum
    Mutant("state marked trainable", "compute_sum", "trainable=False", "trainable=True", "compute_sum"),
    Mutant("state reset each call", "compute_sum", "self.total.assign_add(", "self.total.assign(", "compute_sum"),
    Mutant("bare tf.Variable (not tracked)", "compute_sum", _STATE,
           "import tensorflow as tf\n"
           "        self.total = tf.Variable(tf.zeros(input_shape[-1]), trainable=False)", "compute_sum"),
    Mutant("row sums instead of column sums", "compute_sum", "keras.ops.sum(inputs, axis=0)",
           "keras.ops.sum(inputs, axis=1)", "compute_sum"),
    Mutant("state starts at one", "compute_sum", 'initializer="zeros"', 'initializer="ones"', "compute_sum"),
    Mutant("returns the batch sum, not the state", "compute_sum", "return self.total",
           "return keras.ops.sum(inputs, axis=0)", "compute_sum"),
    # Exercise 4, ResidualDense
    Mutant("one Dense reused twice", "residual_dense", "self.dense2 = keras.layers.Dense(units)",
           "self.dense2 = self.dense1", "residual_dense"),
    Mutant("dense1 called twice in call", "residual_dense", _RESIDUAL,
           "return self.activation(x + self.dense1(self.activation(self.dense1(x))))", "residual_dense"),
    Mutant("skip connection left out", "residual_dense", _RESIDUAL,
           "return self.activation(self.dense2(self.activation(self.dense1(x))))", "residual_dense"),
    Mutant("inner activation left out", "residual_dense", _RESIDUAL,
           "return self.activation(x + self.dense2(self.dense1(x)))", "residual_dense"),
    Mutant("outer activation left out", "residual_dense", _RESIDUAL,
           "return x + self.dense2(self.activation(self.dense1(x)))", "residual_dense"),
    Mutant("no build of the inner layers", "residual_dense",
           "        self.dense1.build(input_shape)\n        self.dense2.build((*input_shape[:-1], self.units))",
           "        pass", "residual_dense"),
    Mutant("residual get_config missing units", "residual_dense", _CONFIG,
           "config.update(activation=keras.activations.serialize(self.activation))", "residual_dense"),
    Mutant("inner Dense layers made in build()", "residual_dense",
           "self.dense1 = keras.layers.Dense(units)\n        self.dense2 = keras.layers.Dense(units)\n"
           "        ### END SOLUTION\n\n    def build(self, input_shape):\n        ### BEGIN SOLUTION\n",
           "### END SOLUTION\n\n    def build(self, input_shape):\n        ### BEGIN SOLUTION\n"
           "        self.dense1 = keras.layers.Dense(self.units)\n        self.dense2 = keras.layers.Dense(self.units)\n",
           "residual_dense", hidden_only="the self-check builds the block before it counts its weights"),
    # Exercise 5, the classifier (each mutant trains in quick mode, so only two)
    Mutant("no residual block", "model", '        ResidualDense(128, activation="relu"),\n', "", "model"),
]

# Correct answers written differently: each must keep every point.
ALTERNATIVES = [
    Mutant("keras.ops.matmul", "simple_dense", "x @ self.kernel", "keras.ops.matmul(x, self.kernel)",
           "simple_dense"),
    Mutant("activation kept as given, resolved in call", "simple_dense", _SIMPLE_DENSE_BODY,
           _SIMPLE_DENSE_BODY.replace("self.activation = keras.activations.get(activation)",
                                      "self.activation = activation")
           .replace("return self.activation(", "return keras.activations.get(self.activation)(")
           .replace("activation=keras.activations.serialize(self.activation)", "activation=self.activation"),
           "simple_dense"),
    Mutant("random normal kernel", "simple_dense", 'initializer="glorot_uniform"', 'initializer="random_normal"',
           "simple_dense"),
    Mutant("bias made before the kernel", "simple_dense", _DENSE_BUILD + _BIAS_WEIGHT,
           _BIAS_WEIGHT.lstrip("\n") + "\n" + _DENSE_BUILD, "simple_dense"),
    Mutant("ops.divide and np.prod", "preprocess",
           "x = keras.ops.cast(inputs, \"float32\") / 255.0\n"
           "        return keras.ops.reshape(x, (-1, math.prod(inputs.shape[1:])))",
           "x = keras.ops.divide(keras.ops.cast(inputs, \"float32\"), 255.0)\n"
           "        return keras.ops.reshape(x, (-1, int(np.prod(inputs.shape[1:]))))", "preprocess"),
    Mutant("keras.Variable state", "compute_sum", _STATE,
           "self.total = keras.Variable(np.zeros(input_shape[-1], dtype=\"float32\"), trainable=False)",
           "compute_sum"),
    Mutant("tf.reduce_sum", "compute_sum", "self.total.assign_add(keras.ops.sum(inputs, axis=0))",
           "import tensorflow as tf\n        self.total.assign_add(tf.reduce_sum(inputs, axis=0))", "compute_sum"),
    Mutant("keras.layers.Add for the skip", "residual_dense", _RESIDUAL,
           "return self.activation(keras.layers.Add()([x, self.dense2(self.activation(self.dense1(x)))]))",
           "residual_dense"),
    Mutant("dense layers made in the other order", "residual_dense",
           "self.dense1 = keras.layers.Dense(units)\n        self.dense2 = keras.layers.Dense(units)",
           "self.dense2 = keras.layers.Dense(units)\n        self.dense1 = keras.layers.Dense(units)",
           "residual_dense"),
]


# Slower variants (they train, or long cells run between their answer and its test): run with -m slow.
SLOW_MUTANTS = [
    Mutant("keras Dense in place of SimpleDense", "model", 'SimpleDense(128, activation="relu"),',
           'keras.layers.Dense(128, activation="relu"),', "model",
           hidden_only="same shapes, parameters and outputs: only the layer classes tell"),
    Mutant("residual **kwargs not passed to the base class", "residual_dense", "super().__init__(**kwargs)",
           "super().__init__()", "residual_dense"),
    Mutant("no softmax", "model", 'keras.layers.Dense(10, activation="softmax")', "keras.layers.Dense(10)",
           "model"),
]

SLOW_ALTERNATIVES = [
    Mutant("SimpleDense output layer", "model", 'keras.layers.Dense(10, activation="softmax")',
           'SimpleDense(10, activation="softmax")', "model"),
]


class TestHiddenChecks(HiddenChecks):
    LESSON, MUTANTS, ALTERNATIVES = LESSON, MUTANTS, ALTERNATIVES
    SLOW_MUTANTS, SLOW_ALTERNATIVES = SLOW_MUTANTS, SLOW_ALTERNATIVES

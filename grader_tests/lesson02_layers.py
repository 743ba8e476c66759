"""The grader's own layers of lesson 02: exercise 5 is graded with them in place of the student's
classes of exercises 1 to 4, which are graded on their own, so one mistake costs one exercise."""
import keras
import numpy as np


class PreProcess(keras.layers.Layer):
    def call(self, inputs):
        return keras.ops.reshape(keras.ops.cast(inputs, "float32") / 255.0, (-1, int(np.prod(inputs.shape[1:]))))


class SimpleDense(keras.layers.Layer):
    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units, self.activation = units, keras.activations.get(activation)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, x):
        return self.activation(x @ self.kernel + self.bias)


class ResidualDense(keras.layers.Layer):
    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.activation = keras.activations.get(activation)
        self.dense1, self.dense2 = keras.layers.Dense(units), keras.layers.Dense(units)

    def build(self, input_shape):
        self.dense1.build(input_shape)
        self.dense2.build(input_shape)

    def call(self, x):
        return self.activation(x + self.dense2(self.activation(self.dense1(x))))

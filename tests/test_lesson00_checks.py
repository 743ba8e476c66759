"""Lesson 00's hidden tests pass the reference, fail the stub and every mutant."""
from tests.hidden_checks import HiddenChecks
from tests.inprocess import Mutant

LESSON = "00_keras_refresher"

_BINARY_CLIP = ('    p = np.clip(np.asarray(p, dtype="float64"), EPSILON, 1 - EPSILON)\n'
                "    return float(np.mean(-(y_true")
_CATEGORICAL_CLIP = ('    p = np.clip(np.asarray(p, dtype="float64"), EPSILON, 1 - EPSILON)\n'
                     "    return float(np.mean(-np.sum(")
_SPARSE_CLIP = ('    p = np.clip(np.asarray(p, dtype="float64"), EPSILON, 1 - EPSILON)\n'
                "    return float(np.mean(-np.log(p[")
_BINARY_TERMS = "-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))"
_BINARY_BODY = ('    y_true = np.asarray(y_true, dtype="float64")\n' + _BINARY_CLIP
                + " * np.log(p) + (1 - y_true) * np.log(1 - p))))")
_SPARSE_RETURN = "return float(np.mean(-np.log(p[np.arange(len(labels)), labels])))"
_HIDDEN_LOOP = ('    for units in hidden_units:\n'
                '        model.add(keras.layers.Dense(units, activation="relu"))')
_CLASSIFIER_BODY = ('    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255), '
                    'keras.layers.Flatten()],\n                             name="dense_classifier")\n'
                    + _HIDDEN_LOOP + '\n    model.add(keras.layers.Dense(10, activation="softmax"))\n'
                    "    return model")
_SAVE_BODY = "    model.save(path)\n    return keras.models.load_model(path)"

MUTANTS = [
    # Exercise 1, one_hot
    Mutant("booleans, not float32", "one_hot", '.astype("float32")', "", "one_hot"),
    Mutant("float64, not float32", "one_hot", '.astype("float32")', '.astype("float64")', "one_hot"),
    Mutant("classes counted from the labels", "one_hot", "np.arange(num_classes)", "np.arange(labels.max() + 1)",
           "one_hot"),
    Mutant("transposed (one column per label)", "one_hot", "labels[:, None] == np.arange(num_classes)",
           "labels[None, :] == np.arange(num_classes)[:, None]", "one_hot"),
    Mutant("a tensor is not turned into NumPy", "one_hot", "    labels = keras.ops.convert_to_numpy(labels)\n", "",
           "one_hot"),
    Mutant("returns a Keras tensor", "one_hot",
           'return (labels[:, None] == np.arange(num_classes)).astype("float32")',
           "return keras.ops.one_hot(labels, num_classes)", "one_hot"),
    # Exercise 2, the one-neuron model
    Mutant('optimizer "sgd" (learning rate 0.01)', "line_model",
           "optimizer=keras.optimizers.SGD(learning_rate=learning_rate)", 'optimizer="sgd"', "line_model"),
    Mutant("learning rate argument ignored", "line_model", "SGD(learning_rate=learning_rate)",
           "SGD(learning_rate=0.1)", "line_model"),
    Mutant("SGD with momentum", "line_model", "SGD(learning_rate=learning_rate)",
           "SGD(learning_rate=learning_rate, momentum=0.9)", "line_model"),
    Mutant("Adam instead of SGD", "line_model", "keras.optimizers.SGD(", "keras.optimizers.Adam(", "line_model"),
    Mutant("mean absolute error", "line_model", 'loss="mse"', 'loss="mae"', "line_model"),
    Mutant("relu on the neuron", "line_model", "keras.layers.Dense(1)]", 'keras.layers.Dense(1, activation="relu")]',
           "line_model"),
    Mutant("no bias", "line_model", "keras.layers.Dense(1)]", "keras.layers.Dense(1, use_bias=False)]",
           "line_model"),
    Mutant("default learning rate changed", "line_model", "def make_line_model(learning_rate=0.1):",
           "def make_line_model(learning_rate=0.01):", "line_model"),
    # Exercise 3, the cross-entropies
    Mutant("binary without clipping", "cross_entropies", _BINARY_CLIP,
           '    p = np.asarray(p, dtype="float64")\n    return float(np.mean(-(y_true', "cross_entropies"),
    Mutant("categorical without clipping", "cross_entropies", _CATEGORICAL_CLIP,
           '    p = np.asarray(p, dtype="float64")\n    return float(np.mean(-np.sum(', "cross_entropies"),
    Mutant("sparse without clipping", "cross_entropies", _SPARSE_CLIP,
           '    p = np.asarray(p, dtype="float64")\n    return float(np.mean(-np.log(p[', "cross_entropies"),
    Mutant("clipped at 1e-12, not Keras's epsilon", "cross_entropies", "EPSILON = keras.config.epsilon()",
           "EPSILON = 1e-12", "cross_entropies"),
    Mutant("binary: sum instead of mean", "cross_entropies", "np.mean(-(y_true", "np.sum(-(y_true",
           "cross_entropies"),
    Mutant("binary: summed over the outputs of an example", "cross_entropies", f"np.mean({_BINARY_TERMS})",
           f"np.mean(np.sum({_BINARY_TERMS}, axis=-1))", "cross_entropies"),
    Mutant("binary: the y = 0 term left out", "cross_entropies", _BINARY_TERMS, "-(y_true * np.log(p))",
           "cross_entropies"),
    Mutant("binary: log10", "cross_entropies", "np.log(p) + (1 - y_true) * np.log(1 - p)",
           "np.log10(p) + (1 - y_true) * np.log10(1 - p)", "cross_entropies"),
    Mutant("categorical: mean over the classes too", "cross_entropies",
           "np.mean(-np.sum(y_true * np.log(p), axis=-1))", "np.mean(-(y_true * np.log(p)))", "cross_entropies"),
    Mutant("categorical: softmax of the probabilities (from_logits mix-up)", "cross_entropies",
           "    return float(np.mean(-np.sum(",
           "    p = np.exp(p) / np.sum(np.exp(p), axis=-1, keepdims=True)\n    return float(np.mean(-np.sum(",
           "cross_entropies"),
    Mutant("categorical: only the largest label counts", "cross_entropies", "np.sum(y_true * np.log(p), axis=-1)",
           "np.log(p[np.arange(len(p)), y_true.argmax(axis=-1)])", "cross_entropies"),
    Mutant("sparse: the predicted class instead of the true one", "cross_entropies",
           "p[np.arange(len(labels)), labels]", "p.max(axis=-1)", "cross_entropies"),
    Mutant("sparse: sum instead of mean", "cross_entropies", "np.mean(-np.log(p[", "np.sum(-np.log(p[",
           "cross_entropies"),
    # Exercise 4, the classifier builder
    Mutant("no rescaling", "classifier", "keras.layers.Rescaling(1 / 255), ", "", "classifier"),
    Mutant("sigmoid hidden layers", "classifier", 'Dense(units, activation="relu")',
           'Dense(units, activation="sigmoid")', "classifier"),
    Mutant("no softmax", "classifier", 'Dense(10, activation="softmax")', "Dense(10)", "classifier"),
    Mutant("sigmoid outputs", "classifier", 'Dense(10, activation="softmax")', 'Dense(10, activation="sigmoid")',
           "classifier"),
    Mutant("hidden_units ignored", "classifier", _HIDDEN_LOOP,
           '    model.add(keras.layers.Dense(128, activation="relu"))', "classifier"),
    Mutant("only the first hidden layer", "classifier", "for units in hidden_units:",
           "for units in hidden_units[:1]:", "classifier"),
    # Exercise 5, save and reload
    Mutant("returns the model it was given", "save_and_reload", "return keras.models.load_model(path)",
           "return model", "save_and_reload"),
    Mutant("returns a fresh copy, not the saved one", "save_and_reload", "return keras.models.load_model(path)",
           "return keras.models.clone_model(model)", "save_and_reload"),
    Mutant("saves to a file of its own", "save_and_reload", _SAVE_BODY,
           "    import os\n    own = os.path.join(os.path.dirname(path), 'model.keras')\n"
           "    model.save(own)\n    return keras.models.load_model(own)", "save_and_reload"),
    # The model returned must be the one read back from the file.
    Mutant("clones the model and copies its weights", "save_and_reload", "return keras.models.load_model(path)",
           "copy = keras.models.clone_model(model)\n    copy.set_weights(model.get_weights())\n    return copy",
           "save_and_reload", hidden_only="the self-check's model writes the weights it holds"),
    Mutant("copies the weights before saving", "save_and_reload", _SAVE_BODY,
           "    copy = keras.models.clone_model(model)\n    copy.set_weights(model.get_weights())\n"
           "    model.save(path)\n    return copy", "save_and_reload",
           hidden_only="the self-check's model writes the weights it holds"),
    Mutant("loads, then puts the weights in memory back", "save_and_reload", "return keras.models.load_model(path)",
           "loaded = keras.models.load_model(path)\n    loaded.set_weights(model.get_weights())\n    return loaded",
           "save_and_reload", hidden_only="the self-check's model writes the weights it holds"),
    Mutant("forgets to return", "save_and_reload", "return keras.models.load_model(path)",
           "keras.models.load_model(path)", "save_and_reload"),
]

# Correct answers written differently: each must keep every point.
ALTERNATIVES = [
    Mutant("np.eye rows", "one_hot", 'return (labels[:, None] == np.arange(num_classes)).astype("float32")',
           'return np.eye(num_classes, dtype="float32")[labels]', "one_hot"),
    Mutant("keras.ops.one_hot, back to NumPy", "one_hot",
           'return (labels[:, None] == np.arange(num_classes)).astype("float32")',
           "return keras.ops.convert_to_numpy(keras.ops.one_hot(labels, num_classes))", "one_hot"),
    Mutant("np.asarray for the tensor", "one_hot", "keras.ops.convert_to_numpy(labels)", "np.asarray(labels)",
           "one_hot"),
    Mutant("functional model, MeanSquaredError object", "line_model",
           '    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)], name="one_neuron")\n'
           '    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse")',
           "    inputs = keras.Input(shape=(1,))\n    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))\n"
           "    model.compile(optimizer=keras.optimizers.SGD(learning_rate, momentum=0.0),\n"
           "                  loss=keras.losses.MeanSquaredError())", "line_model"),
    Mutant("binary cross-entropy with keras.ops in float32", "cross_entropies", _BINARY_BODY,
           '    y = keras.ops.convert_to_tensor(y_true, "float32")\n'
           '    p = keras.ops.clip(keras.ops.convert_to_tensor(p, "float32"), EPSILON, 1 - EPSILON)\n'
           "    return keras.ops.mean(-(y * keras.ops.log(p) + (1 - y) * keras.ops.log(1 - p)))",
           "cross_entropies"),
    Mutant("binary with np.where on 0/1 labels", "cross_entropies", _BINARY_TERMS,
           "-np.where(y_true == 1, np.log(p), np.log(1 - p))", "cross_entropies"),
    Mutant("sparse through one-hot rows and the categorical loss", "cross_entropies", _SPARSE_RETURN,
           "return categorical_crossentropy(np.eye(p.shape[-1])[labels], p)", "cross_entropies"),
    Mutant("sparse with log(p + EPSILON) instead of clipping", "cross_entropies", _SPARSE_CLIP,
           '    p = np.asarray(p, dtype="float64") + EPSILON\n    return float(np.mean(-np.log(p[',
           "cross_entropies"),
    Mutant("functional classifier, softmax as a layer", "classifier", _CLASSIFIER_BODY,
           "    inputs = keras.Input(shape=(28, 28))\n"
           "    x = keras.layers.Flatten()(keras.layers.Rescaling(1.0 / 255.0)(inputs))\n"
           "    for units in hidden_units:\n"
           "        x = keras.layers.Dense(units)(x)\n"
           "        x = keras.layers.Activation('relu')(x)\n"
           "    outputs = keras.layers.Softmax()(keras.layers.Dense(10)(x))\n"
           "    return keras.Model(inputs, outputs)", "classifier"),
    Mutant("Sequential from a list comprehension", "classifier", _CLASSIFIER_BODY,
           "    return keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),\n"
           "                             keras.layers.Rescaling(1 / 255),\n"
           '                             *[keras.layers.Dense(n, activation="relu") for n in hidden_units],\n'
           '                             keras.layers.Dense(10, activation="softmax")])', "classifier"),
    Mutant("keras.saving functions", "save_and_reload", _SAVE_BODY,
           "    keras.saving.save_model(model, path)\n    return keras.saving.load_model(path, compile=False)",
           "save_and_reload"),
]


class TestHiddenChecks(HiddenChecks):
    LESSON, MUTANTS, ALTERNATIVES = LESSON, MUTANTS, ALTERNATIVES

"""Lesson 04's hidden tests pass the reference, fail the stub and every mutant, and accept other correct answers."""

from tests.hidden_checks import HiddenChecks
from tests.inprocess import Mutant

LESSON = "04_functional_api"

# Why a self-check cannot see some mutants (hidden_only).
DROPOUT_IS_SILENT = "the self-checks call the model in inference mode, where the added layer does nothing"
SAME_FUNCTION = "the model computes the same function: only its structure shows the difference"
OPTIMIZER_UNSEEN = "the optimizer changes neither the losses nor the metrics before training"

# The reference's layers of exercise 1, which some variants replace as a whole.
TWIN_LAYERS = ('    x = keras.layers.Flatten()(inputs)\n'
               '    x = keras.layers.Rescaling(1 / 255)(x)\n'
               '    x = keras.layers.Dense(128, activation="relu")(x)\n'
               '    x = keras.layers.Dense(32, activation="relu")(x)\n'
               '    outputs = keras.layers.Dense(10, activation="softmax")(x)\n')

MUTANTS = [
    # Exercise 1: the functional twin must be the Sequential model, layer for layer.
    Mutant("twin misses a layer", "functional_twin", '    x = keras.layers.Dense(32, activation="relu")(x)\n', "",
           "functional_twin"),
    Mutant("twin without rescaling", "functional_twin", "    x = keras.layers.Rescaling(1 / 255)(x)\n", "",
           "functional_twin"),
    Mutant("twin with a relu output", "functional_twin", 'Dense(10, activation="softmax")', 'Dense(10, activation="relu")',
           "functional_twin"),
    Mutant("twin returns the Sequential model", "functional_twin",
           'return keras.Model(inputs, outputs, name="functional_classifier")', "return make_sequential_model()",
           "functional_twin"),
    Mutant("twin with an extra Dropout", "functional_twin", '    x = keras.layers.Dense(32, activation="relu")(x)\n',
           '    x = keras.layers.Dropout(0.2)(x)\n    x = keras.layers.Dense(32, activation="relu")(x)\n',
           "functional_twin", hidden_only=DROPOUT_IS_SILENT),
    Mutant("twin wraps the Sequential model", "functional_twin",
           'return keras.Model(inputs, outputs, name="functional_classifier")',
           "return keras.Model(inputs, make_sequential_model()(inputs))", "functional_twin",
           hidden_only=SAME_FUNCTION),
    Mutant("twin reuses the Sequential model's layers", "functional_twin", TWIN_LAYERS,
           "    x = inputs\n    for layer in make_sequential_model().layers:\n        x = layer(x)\n    outputs = x\n",
           "functional_twin", hidden_only=SAME_FUNCTION),
    Mutant("twin nests a Sequential stack", "functional_twin", TWIN_LAYERS,
           "    outputs = keras.Sequential([keras.layers.Flatten(), keras.layers.Rescaling(1 / 255),\n"
           '                                keras.layers.Dense(128, activation="relu"),\n'
           '                                keras.layers.Dense(32, activation="relu"),\n'
           '                                keras.layers.Dense(10, activation="softmax")])(inputs)\n',
           "functional_twin", hidden_only=SAME_FUNCTION),
    # Exercise 2: outputs, names, order, activations.
    Mutant("outputs in the wrong order", "detector", "[class_output, box_output]", "[box_output, class_output]",
           "detector"),
    Mutant("class output unnamed", "detector", 'activation="softmax", name="class"', 'activation="softmax"', "detector"),
    Mutant("detector with Dropout before the heads", "detector", "features = keras.layers.Flatten()(x)",
           "features = keras.layers.Dropout(0.25)(keras.layers.Flatten()(x))", "detector",
           hidden_only=DROPOUT_IS_SILENT),
    # Exercise 3: weighted losses and metrics.
    Mutant("loss weights ignored", "compile_detector", '        loss_weights={"class": 1.0, "box": box_weight},\n', "",
           "compile_detector"),
    Mutant("Adam with amsgrad", "compile_detector", "Adam(learning_rate=1e-3)",
           "Adam(learning_rate=1e-3, amsgrad=True)", "compile_detector", hidden_only=OPTIMIZER_UNSEEN),
    # Exercise 5: one shared encoder, features joined on the last axis.
    Mutant("two encoders (same name)", "pair_model", "encoder(left), encoder(right)",
           "encoder(left), make_encoder()(right)", "pair_model"),
    Mutant("two separate encoders", "pair_model", "encoder(left), encoder(right)",
           'encoder(left), keras.Sequential(make_encoder().layers, name="encoder_2")(right)', "pair_model"),
    Mutant("concatenation on axis 0", "pair_model", "Concatenate(axis=-1)", "Concatenate(axis=0)", "pair_model"),
    Mutant("features added, not concatenated", "pair_model", "keras.layers.Concatenate(axis=-1)",
           "keras.layers.Add()", "pair_model"),
    Mutant("left image in both branches", "pair_model", "encoder(left), encoder(right)",
           "encoder(left), encoder(left)", "pair_model"),
    Mutant("head without hidden layer", "pair_model", 'hidden = keras.layers.Dense(16, activation="relu")(features)',
           "hidden = features", "pair_model"),
    Mutant("inputs listed [right, left]", "pair_model", "keras.Model([left, right], same",
           "keras.Model([right, left], same", "pair_model", hidden_only="the self-check feeds both orders alike"),
    Mutant("head with Dropout", "pair_model", 'hidden = keras.layers.Dense(16, activation="relu")(features)',
           'hidden = keras.layers.Dropout(0.3)(keras.layers.Dense(16, activation="relu")(features))',
           "pair_model", hidden_only=DROPOUT_IS_SILENT),
]

# Correct answers written differently: each must keep every point.
ALTERNATIVES = [
    Mutant("twin with other layer names", "functional_twin", 'name="image"', 'name="pixels"', "functional_twin"),
    Mutant("twin with a Softmax layer", "functional_twin", 'outputs = keras.layers.Dense(10, activation="softmax")(x)',
           "outputs = keras.layers.Softmax()(keras.layers.Dense(10)(x))", "functional_twin"),
    Mutant("twin with ReLU layers and keyword arguments", "functional_twin", TWIN_LAYERS,
           "    x = keras.layers.Rescaling(scale=1 / 255)(keras.layers.Flatten()(inputs))\n"
           "    x = keras.layers.ReLU()(keras.layers.Dense(units=128)(x))\n"
           '    x = keras.layers.Activation("relu")(keras.layers.Dense(units=32)(x))\n'
           '    outputs = keras.layers.Dense(units=10, activation=keras.activations.softmax)(x)\n',
           "functional_twin"),
    Mutant("twin with keras.layers.Input", "functional_twin",
           'inputs = keras.Input(shape=(28, 28), name="image")', "inputs = keras.layers.Input((28, 28))",
           "functional_twin"),
    Mutant("detector with other layer names", "detector", 'name="canvas"', 'name="picture"', "detector"),
    Mutant("sigmoid as its own layer named box", "detector",
           'keras.layers.Dense(4, activation="sigmoid", name="box")(box_hidden)',
           'keras.layers.Activation("sigmoid", name="box")(keras.layers.Dense(4)(box_hidden))', "detector"),
    Mutant("dict outputs keyed by name", "detector", "[class_output, box_output]",
           '{"class": class_output, "box": box_output}', "detector"),
    Mutant("loss weights as a list", "compile_detector", 'loss_weights={"class": 1.0, "box": box_weight}',
           "loss_weights=[1.0, box_weight]", "compile_detector"),
    Mutant("keras.ops.concatenate", "pair_model", "keras.layers.Concatenate(axis=-1)([encoder(left), encoder(right)])",
           "keras.ops.concatenate([encoder(left), encoder(right)], axis=-1)", "pair_model"),
    Mutant("Concatenate(axis=1)", "pair_model", "Concatenate(axis=-1)", "Concatenate(axis=1)", "pair_model"),
    Mutant("right features first", "pair_model", "[encoder(left), encoder(right)]", "[encoder(right), encoder(left)]",
           "pair_model"),
    Mutant("Model(inputs=..., outputs=...)", "pair_model", 'keras.Model([left, right], same, name="pair_model")',
           "keras.Model(inputs=[left, right], outputs=same)", "pair_model"),
    Mutant("shared layers instead of a shared model", "pair_model", "encoder = make_encoder()\n",
           "shared = make_encoder().layers\n"
           "    encoder = lambda x: shared[3](shared[2](shared[1](shared[0](x))))\n", "pair_model"),
]


# Slower variants (they train, or long cells run between their answer and its test): run with -m slow.
SLOW_MUTANTS = [
    Mutant("RMSprop instead of Adam", "compile_detector", "optimizer=keras.optimizers.Adam(learning_rate=1e-3),",
           'optimizer="rmsprop",', "compile_detector",
           hidden_only="the optimizer changes neither the losses nor the metrics before training"),
    Mutant("tanh convolutions", "detector", 'padding="same", activation="relu")', 'padding="same", activation="tanh")',
           "detector", hidden_only="same shapes and parameters: only the outputs with known weights tell"),
    Mutant("canvas divided by 256", "detector", "keras.layers.Rescaling(1 / 255)(inputs)",
           "keras.layers.Rescaling(1 / 256)(inputs)", "detector",
           hidden_only="same shapes and parameters: only the outputs with known weights tell"),
    Mutant("learning rate 1e-2", "compile_detector", "Adam(learning_rate=1e-3)", "Adam(learning_rate=1e-2)",
           "compile_detector", hidden_only="the learning rate changes neither the losses nor the metrics before training"),
    Mutant("compile_detector returns nothing", "compile_detector", "    return model\n", "", "compile_detector",
           hidden_only="the self-check uses the model it compiled, not the returned value"),
    Mutant("box head without sigmoid", "detector", 'activation="sigmoid", name="box"', 'name="box"', "detector"),
    Mutant("class head 9 wide", "detector", "Dense(10, activation=", "Dense(9, activation=", "detector"),
    Mutant("class head without softmax", "detector", 'activation="softmax", name="class"', 'name="class"', "detector"),
    Mutant("average pooling", "detector", "keras.layers.MaxPooling2D()(x)", "keras.layers.AveragePooling2D(2)(x)",
           "detector", hidden_only="same shapes and parameters: only the outputs with known weights tell"),
    Mutant("box weight fixed at 10", "compile_detector", '"box": box_weight}', '"box": 10.0}', "compile_detector"),
    Mutant("no IoU metric", "compile_detector", '"box": mean_iou}', '"box": "mae"}', "compile_detector"),
    Mutant("AdamW instead of Adam", "compile_detector", "keras.optimizers.Adam(learning_rate=1e-3)",
           "keras.optimizers.AdamW(learning_rate=1e-3)", "compile_detector", hidden_only=OPTIMIZER_UNSEEN),
    Mutant("Adam with another epsilon", "compile_detector", "Adam(learning_rate=1e-3)",
           "Adam(learning_rate=1e-3, epsilon=1e-8)", "compile_detector", hidden_only=OPTIMIZER_UNSEEN),
    Mutant("Adam with gradient clipping", "compile_detector", "Adam(learning_rate=1e-3)",
           "Adam(learning_rate=1e-3, clipnorm=1.0)", "compile_detector", hidden_only=OPTIMIZER_UNSEEN),
    Mutant("box weight fixed at 5", "compile_detector", '"box": box_weight}', '"box": 5.0}', "compile_detector"),
    Mutant("twin with a tiny Dropout", "functional_twin", '    x = keras.layers.Dense(32, activation="relu")(x)\n',
           '    x = keras.layers.Dropout(1e-6)(x)\n    x = keras.layers.Dense(32, activation="relu")(x)\n',
           "functional_twin", hidden_only=DROPOUT_IS_SILENT),
    Mutant("twin with GaussianNoise", "functional_twin", '    x = keras.layers.Dense(32, activation="relu")(x)\n',
           '    x = keras.layers.GaussianNoise(0.1)(x)\n    x = keras.layers.Dense(32, activation="relu")(x)\n',
           "functional_twin", hidden_only=DROPOUT_IS_SILENT),
    Mutant("input names swapped", "pair_model",
           'name="left")\n    right = keras.Input(shape=(28, 28), name="right")',
           'name="right")\n    right = keras.Input(shape=(28, 28), name="left")', "pair_model",
           hidden_only="the self-check calls the model with a list, where names play no part"),
    Mutant("encoder followed by Dropout", "pair_model", "    encoder = make_encoder()\n",
           "    encoder = keras.Sequential([make_encoder(), keras.layers.Dropout(0.2)])\n", "pair_model",
           hidden_only=DROPOUT_IS_SILENT),
    Mutant("detector with GaussianNoise on the canvas", "detector", "keras.layers.Rescaling(1 / 255)(inputs)",
           "keras.layers.GaussianNoise(0.05)(keras.layers.Rescaling(1 / 255)(inputs))", "detector",
           hidden_only=DROPOUT_IS_SILENT),
    Mutant("class loss not sparse", "compile_detector", '"class": "sparse_categorical_crossentropy"',
           '"class": "categorical_crossentropy"', "compile_detector"),
]

SLOW_ALTERNATIVES = [
    Mutant("box head built before the class head", "detector",
           '    class_hidden = keras.layers.Dense(64, activation="relu")(features)\n'
           '    class_output = keras.layers.Dense(10, activation="softmax", name="class")(class_hidden)\n'
           '    box_hidden = keras.layers.Dense(64, activation="relu")(features)\n',
           '    box_hidden = keras.layers.Dense(64, activation="relu")(features)\n'
           '    class_hidden = keras.layers.Dense(64, activation="relu")(features)\n'
           '    class_output = keras.layers.Dense(10, activation="softmax", name="class")(class_hidden)\n',
           "detector"),
    Mutant("loss objects", "compile_detector", '"sparse_categorical_crossentropy", "box": "mse"}',
           'keras.losses.SparseCategoricalCrossentropy(), "box": keras.losses.MeanSquaredError()}',
           "compile_detector"),
    Mutant("metric lists", "compile_detector", 'metrics={"class": "accuracy", "box": mean_iou}',
           'metrics={"class": ["accuracy"], "box": [mean_iou, "mae"]}', "compile_detector"),
    Mutant("optimizer as the string adam", "compile_detector", "optimizer=keras.optimizers.Adam(learning_rate=1e-3),",
           'optimizer="adam",', "compile_detector"),
    Mutant("Adam(0.001), named", "compile_detector", "keras.optimizers.Adam(learning_rate=1e-3)",
           'keras.optimizers.Adam(0.001, name="detector_adam")', "compile_detector"),
]


class TestHiddenChecks(HiddenChecks):
    LESSON, MUTANTS, ALTERNATIVES = LESSON, MUTANTS, ALTERNATIVES
    SLOW_MUTANTS, SLOW_ALTERNATIVES = SLOW_MUTANTS, SLOW_ALTERNATIVES

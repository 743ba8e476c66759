"""Lesson 04's hidden tests pass the reference, fail the stub and every mutant, and accept other correct answers."""

from tests.hidden_checks import HiddenChecks
from tests.inprocess import Mutant

LESSON = "04_functional_api"

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
    # Exercise 2: outputs, names, order, activations.
    Mutant("outputs in the wrong order", "detector", "[class_output, box_output]", "[box_output, class_output]",
           "detector"),
    Mutant("class output unnamed", "detector", 'activation="softmax", name="class"', 'activation="softmax"', "detector"),
    # Exercise 3: weighted losses and metrics.
    Mutant("loss weights ignored", "compile_detector", '        loss_weights={"class": 1.0, "box": box_weight},\n', "",
           "compile_detector"),
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
]

# Correct answers written differently: each must keep every point.
ALTERNATIVES = [
    Mutant("twin with other layer names", "functional_twin", 'name="image"', 'name="pixels"', "functional_twin"),
    Mutant("twin with a Softmax layer", "functional_twin", 'outputs = keras.layers.Dense(10, activation="softmax")(x)',
           "outputs = keras.layers.Softmax()(keras.layers.Dense(10)(x))", "functional_twin"),
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
    Mutant("shared layers instead of a shared model", "pair_model", "encoder = make_encoder()\n",
           "shared = make_encoder().layers\n"
           "    encoder = lambda x: shared[3](shared[2](shared[1](shared[0](x))))\n", "pair_model"),
]


# Slower variants (a long notebook before their exercise, or training): run with -m slow.
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
]


class TestHiddenChecks(HiddenChecks):
    LESSON, MUTANTS, ALTERNATIVES = LESSON, MUTANTS, ALTERNATIVES
    SLOW_MUTANTS, SLOW_ALTERNATIVES = SLOW_MUTANTS, SLOW_ALTERNATIVES

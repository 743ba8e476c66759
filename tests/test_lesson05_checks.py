"""Lesson 05's hidden tests pass the reference, fail the stub and every mutant."""
import numpy as np

from course.judges import judges_of
from course.judges import lesson05 as judges
from grader_tests.exercise import CheckFailed, Exercise, grading_seed, json_evidence
from tests import inprocess
from tests.hidden_checks import HiddenChecks
from tests.inprocess import Mutant

LESSON = "05_siamese"
DISPLAY_ONLY = "the self-check does not read what the loop prints or shows"
ENCODER_START = ('keras.Input(shape=(784,)),\n        keras.layers.Dense(units, activation="relu"),\n'
                 '        keras.layers.Dropout(dropout),\n        keras.layers.Dense(units, activation="relu"),\n'
                 '        keras.layers.Dropout(dropout),\n')

MUTANTS = [
    Mutant("argwhere gives 2-D arrays", "class_indices", "np.where(y == c)[0]", "np.argwhere(y == c)",
           "class_indices"),
    Mutant("only the classes found in y", "class_indices", "for c in range(10)", "for c in np.unique(y)",
           "class_indices", hidden_only="the self-check's labels hold every class"),
    Mutant("swapped labels in create_pairs (1 = different)", "create_pairs", 'np.array([1, 0], dtype="float32")',
           'np.array([0, 1], dtype="float32")', "create_pairs"),
    Mutant("create_pairs uses the global np.random", "create_pairs", "rng.integers(1, 10)",
           "np.random.randint(1, 10)", "create_pairs"),
    Mutant("negative partner may be the same class", "create_pairs", "rng.integers(1, 10)", "rng.integers(0, 10)",
           "create_pairs"),
    Mutant("positive pair (i, i) instead of (i, i + 1)", "create_pairs", "class_indices[d][i + 1]",
           "class_indices[d][i]", "create_pairs"),
    Mutant("negative partner never class d + 1", "create_pairs", "rng.integers(1, 10)", "rng.integers(2, 10)",
           "create_pairs", hidden_only="the self-check only sees that the two classes of a negative pair differ"),
    Mutant("integer labels", "create_pairs", 'np.array([1, 0], dtype="float32")', "np.array([1, 0])",
           "create_pairs", hidden_only="the self-check compares the labels' values, not their dtype"),
    Mutant("swapped labels in the loss (1 = different)", "contrastive_loss",
           "y_true = ops.reshape(ops.cast(y_true, y_pred.dtype), (-1,))",
           "y_true = 1.0 - ops.reshape(ops.cast(y_true, y_pred.dtype), (-1,))", "contrastive_loss"),
    Mutant("labels of shape (n, 1) not flattened", "contrastive_loss",
           "y_true = ops.reshape(ops.cast(y_true, y_pred.dtype), (-1,))", "y_true = ops.cast(y_true, y_pred.dtype)",
           "contrastive_loss", hidden_only="the self-check gives the labels as (n,); only the distances are (n, 1)"),
    Mutant("sum instead of mean in the loss", "contrastive_loss", "return pull + push",
           "return ops.sum(pull + push)", "contrastive_loss"),
    Mutant("margin ignored", "contrastive_loss", "self.margin - y_pred", "1.0 - y_pred", "contrastive_loss"),
    Mutant("hinge not squared", "contrastive_loss", "ops.square(ops.maximum(self.margin - y_pred, 0.0))",
           "ops.maximum(self.margin - y_pred, 0.0)", "contrastive_loss"),
    Mutant("loss does not flatten y_pred", "contrastive_loss", "        y_pred = ops.reshape(y_pred, (-1,))\n", "",
           "contrastive_loss"),
    Mutant("get_config without margin", "contrastive_loss", '{**super().get_config(), "margin": self.margin}',
           "super().get_config()", "contrastive_loss"),
    Mutant("encoder with a 64-unit first layer", "encoder",
           'keras.Input(shape=(784,)),\n        keras.layers.Dense(units, activation="relu")',
           'keras.Input(shape=(784,)),\n        keras.layers.Dense(64, activation="relu")', "encoder"),
    Mutant("encoder's last layer without relu", "encoder",
           'keras.layers.Dense(units, activation="relu"),\n    ], name="encoder")',
           'keras.layers.Dense(units),\n    ], name="encoder")', "encoder"),
    Mutant("dropout argument ignored", "encoder",
           'Dropout(dropout),\n        keras.layers.Dense(units, activation="relu"),\n'
           "        keras.layers.Dropout(dropout)",
           'Dropout(0.1),\n        keras.layers.Dense(units, activation="relu"),\n        keras.layers.Dropout(0.1)',
           "encoder"),
    Mutant("distance without the square root", "distance",
           "return ops.sqrt(ops.maximum(squared, keras.config.epsilon()))",
           "return ops.maximum(squared, keras.config.epsilon())", "distance"),
    Mutant("distance without epsilon", "distance", "return ops.sqrt(ops.maximum(squared, keras.config.epsilon()))",
           "return ops.sqrt(squared)", "distance"),
    Mutant("distance summed over the batch axis", "distance", "ops.sum(ops.square(u - v), axis=-1)",
           "ops.sum(ops.square(u - v), axis=0)", "distance"),
    Mutant("two encoders instead of one shared", "siamese", "encoder(second)",
           "keras.models.clone_model(encoder)(second)", "siamese"),
    Mutant("learning rate 1e-2", "training_objects", "Adam(learning_rate=1e-3)", "Adam(learning_rate=1e-2)",
           "training_objects"),
    Mutant("train_step does not apply the gradients", "train_step",
           "optimizer.apply_gradients(zip(gradients, model.trainable_weights))", "pass", "train_step"),
    Mutant("train_step climbs the gradient", "train_step", "zip(gradients, model.trainable_weights)",
           "zip([-g for g in gradients], model.trainable_weights)", "train_step"),
    Mutant("train_step without tf.function", "train_step", "    @tf.function\n", "", "train_step"),
    Mutant("train_step in inference mode", "train_step", "model(x_pair, training=True)", "model(x_pair)",
           "train_step", hidden_only="the self-check's model has no dropout, so both modes give the same loss"),
    Mutant("threshold in the wrong direction", "evaluate", "distances) <= margin / 2)",
           "distances) >= margin / 2)", "evaluate"),
    Mutant("threshold at the margin", "evaluate", "distances) <= margin / 2)", "distances) <= margin)",
           "evaluate"),
    Mutant("evaluate in training mode", "evaluate",
           "model.predict([pairs[:, 0], pairs[:, 1]], batch_size=4096, verbose=0)",
           "model([pairs[:, 0], pairs[:, 1]], training=True)", "evaluate",
           hidden_only="the self-check's model has no dropout, so both modes give the same loss"),
    Mutant("predict_same's arguments swapped in evaluate", "evaluate", "predict_same(distances, loss_fn.margin)",
           "predict_same(loss_fn.margin, distances)", "evaluate"),
    Mutant("evaluate on the first pair only", "evaluate", "[pairs[:, 0], pairs[:, 1]]", "[pairs[:1, 0], pairs[:1, 1]]",
           "evaluate"),
    Mutant("unshuffled batches", "batches", "order = rng.permutation(n)", "order = np.arange(n)", "batches"),
    Mutant("batches from the global np.random", "batches", "order = rng.permutation(n)",
           "order = np.random.permutation(n)", "batches"),
    Mutant("last partial batch dropped", "batches", "range(0, n, batch_size)",
           "range(0, n - batch_size + 1, batch_size)", "batches"),
    Mutant("validation measured on the training pairs", "fit_loop", "evaluate(model, *validation, loss_fn)",
           "evaluate(model, pairs, labels, loss_fn)", "fit_loop"),
    Mutant("fit loop trains no epoch", "fit_loop", "for epoch in range(epochs):", "for epoch in range(0):",
           "trained_model"),
    Mutant("the grader's trusted distance handed in", "distance", "class EuclideanDistance(keras.layers.Layer):",
           "from grader_tests.lesson05 import TrustedDistance as EuclideanDistance\n\n\n"
           "class _Mine(keras.layers.Layer):", "distance",
           hidden_only="the trusted piece computes the right numbers; only the hidden test sees where it is from"),
    Mutant("the grader's trusted step handed in", "train_step", "def make_train_step(",
           "from grader_tests.lesson05 import trusted_train_step as make_train_step\n\n\ndef _mine(", "train_step",
           hidden_only="the trusted step trains correctly; only the hidden test sees where it is from"),
    Mutant("the grader's trusted loss handed in", "contrastive_loss", "class ContrastiveLoss(keras.losses.Loss):",
           "from grader_tests.lesson05 import TrustedContrastive as ContrastiveLoss\n\n\n"
           "class _Mine(keras.losses.Loss):", "contrastive_loss",
           hidden_only="the trusted piece computes the right numbers; only the hidden test sees where it is from"),
    # Issue 23: one quick variant of each kind here, the others in SLOW_MUTANTS.
    Mutant("a Lambda layer instead of EuclideanDistance", "siamese", 'EuclideanDistance(name="distance")',
           "keras.layers.Lambda(lambda pair: ops.sqrt(ops.maximum(ops.sum(ops.square(pair[0] - pair[1]), axis=-1), "
           "1e-7)))", "siamese", hidden_only="the self-check counts parameters and distances, not which layer"),
    Mutant("encoder dropout at the input", "encoder", ENCODER_START,
           'keras.Input(shape=(784,)),\n        keras.layers.Dropout(dropout),\n'
           '        keras.layers.Dense(units, activation="relu"),\n        keras.layers.Dropout(dropout),\n'
           '        keras.layers.Dense(units, activation="relu"),\n', "encoder",
           hidden_only="the self-check counts parameters and dropout rates, not the order of the layers"),
    Mutant("encoder's default dropout 0.2", "encoder", "dropout=0.1)", "dropout=0.2)", "encoder",
           hidden_only="the self-check gives the dropout rate itself"),
    Mutant("Adam with amsgrad", "training_objects", "Adam(learning_rate=1e-3)",
           "Adam(learning_rate=1e-3, amsgrad=True)", "training_objects",
           hidden_only="the self-check reads the learning rate only"),
    Mutant("AdamW instead of Adam", "training_objects", "Adam(learning_rate=1e-3)", "AdamW(learning_rate=1e-3)",
           "training_objects", hidden_only="the self-check reads the learning rate only"),
    Mutant("train_step makes its own Adam", "train_step", "    @tf.function\n",
           "    optimizer = keras.optimizers.Adam(learning_rate=1e-3)\n\n    @tf.function\n", "train_step",
           hidden_only="the self-check's own optimizer is an Adam(1e-3) too"),
    Mutant("accuracy at the margin in evaluate", "evaluate", "predict_same(distances, loss_fn.margin)",
           "predict_same(distances, 2 * loss_fn.margin)", "evaluate"),
    Mutant("array_split batches", "batches",
           "return [order[start:start + batch_size] for start in range(0, n, batch_size)]",
           "return np.array_split(order, -(-n // batch_size))", "batches",
           hidden_only="the self-check's n = 10 and batch size 4 give 4, 4, 2 either way"),
    Mutant("evaluate averages the losses of chunks", "evaluate", "loss = float(loss_fn(labels, distances))",
           "loss = float(np.mean([loss_fn(labels[i:i + 4096], distances[i:i + 4096])\n"
           "                          for i in range(0, len(labels), 4096)]))", "evaluate",
           hidden_only="the self-check's 2,000 pairs fit in one chunk"),
    Mutant("distance squeezed", "distance", "squared = ops.sum(ops.square(u - v), axis=-1)",
           "squared = ops.squeeze(ops.sum(ops.square(u - v), axis=-1, keepdims=True))", "distance",
           hidden_only="the self-check has no batch of one"),
    Mutant("uint8 class indices", "class_indices", "np.where(y == c)[0]", "np.where(y == c)[0].astype(np.uint8)",
           "class_indices", hidden_only="the self-check looks at the first three indices only"),
    Mutant("evaluate returns tensors", "evaluate", "loss = float(loss_fn(labels, distances))",
           "loss = loss_fn(labels, distances)", "evaluate"),
    Mutant("fit loop ignores its rng", "fit_loop", "make_batches(len(labels), batch_size, rng)",
           "make_batches(len(labels), batch_size, np.random.default_rng(epoch))", "fit_loop",
           hidden_only="the self-check only sees that the two epochs differ"),
]

# Correct answers written differently: each must keep every point.
ALTERNATIVES = [
    Mutant("tf ops for the distance", "distance",
           "squared = ops.sum(ops.square(u - v), axis=-1)\n"
           "        return ops.sqrt(ops.maximum(squared, keras.config.epsilon()))",
           "squared = tf.reduce_sum(tf.square(u - v), axis=-1)\n"
           "        return tf.sqrt(tf.maximum(squared, 1e-7))", "distance"),
    Mutant("epsilon added under the root", "distance", "ops.sqrt(ops.maximum(squared, keras.config.epsilon()))",
           "ops.sqrt(squared + keras.config.epsilon())", "distance"),
    Mutant("relu for the hinge", "contrastive_loss", "ops.maximum(self.margin - y_pred, 0.0)",
           "ops.relu(self.margin - y_pred)", "contrastive_loss"),
    Mutant("loss returns the mean itself", "contrastive_loss", "return pull + push", "return ops.mean(pull + push)",
           "contrastive_loss"),
    Mutant("tf ops for the loss", "contrastive_loss",
           "pull = y_true * ops.square(y_pred)", "pull = y_true * tf.square(y_pred)", "contrastive_loss"),
    Mutant("pairs built image by image, as in the seed", "create_pairs",
           "    pairs = np.stack([x[first], x[second]], axis=1)\n",
           "    pairs = np.array([[x[a], x[b]] for a, b in zip(first, second)])\n", "create_pairs"),
    Mutant("other class drawn with rng.choice among the nine", "create_pairs",
           "other = (d + rng.integers(1, 10)) % 10", "other = rng.choice([c for c in range(10) if c != d])",
           "create_pairs"),
    Mutant("evaluate calls the model with training=False", "evaluate",
           "model.predict([pairs[:, 0], pairs[:, 1]], batch_size=4096, verbose=0)",
           "model([pairs[:, 0], pairs[:, 1]], training=False)", "evaluate"),
    Mutant("rng.shuffle instead of rng.permutation", "batches", "order = rng.permutation(n)",
           "order = np.arange(n)\n    rng.shuffle(order)", "batches"),
    Mutant("predict_same returns booleans", "evaluate", '(np.ravel(distances) <= margin / 2).astype("int64")',
           "np.ravel(distances) <= margin / 2", "evaluate"),
    Mutant("encoder with relu as layers of their own", "encoder",
           'keras.layers.Dense(units, activation="relu"),\n        keras.layers.Dropout(dropout),\n'
           '        keras.layers.Dense(units, activation="relu"),\n        keras.layers.Dropout(dropout),\n'
           '        keras.layers.Dense(units, activation="relu"),\n',
           'keras.layers.Dense(units),\n        keras.layers.ReLU(),\n        keras.layers.Dropout(dropout),\n'
           '        keras.layers.Dense(units),\n        keras.layers.Activation("relu"),\n'
           '        keras.layers.Dropout(dropout),\n        keras.layers.Dense(units),\n        keras.layers.ReLU(),\n',
           "encoder"),
    Mutant("distance layer made before it is called", "siamese",
           'distance = EuclideanDistance(name="distance")([encoder(first), encoder(second)])',
           'measure = EuclideanDistance()\n    distance = measure([encoder(first), encoder(second)])', "siamese"),
    Mutant("Adam with its default learning rate, given positionally", "training_objects",
           "keras.optimizers.Adam(learning_rate=1e-3)", "keras.optimizers.Adam(0.001)", "training_objects"),
    Mutant("optimizer.apply", "train_step", "optimizer.apply_gradients(zip(gradients, model.trainable_weights))",
           "optimizer.apply(gradients, model.trainable_weights)", "train_step"),
    Mutant("evaluate weighs the losses of chunks by their size", "evaluate",
           "loss = float(loss_fn(labels, distances))",
           "loss = float(sum(len(labels[i:i + 1000]) * loss_fn(labels[i:i + 1000], distances[i:i + 1000])\n"
           "                      for i in range(0, len(labels), 1000)) / len(labels))", "evaluate"),
    Mutant("batches cut by np.array_split at their starts", "batches",
           "return [order[start:start + batch_size] for start in range(0, n, batch_size)]",
           "return np.array_split(order, range(batch_size, n, batch_size))", "batches"),
    Mutant("progress bar without verbose", "fit_loop", ",\n                                      verbose=utils.progress.verbosity())", ")",
           "fit_loop"),
]

# Slower variants (they train, or long cells run between their answer and its test): run with -m slow.
SLOW_MUTANTS = [
    Mutant("trained with margin 0.1", "training_objects", "ContrastiveLoss(margin=1.0)",
           "ContrastiveLoss(margin=0.1)", "trained_model"),
    Mutant("loss **kwargs not passed to the base class", "contrastive_loss", "        super().__init__(**kwargs)\n"
           "        self.margin = margin", "        super().__init__()\n        self.margin = margin",
           "contrastive_loss", hidden_only="the self-check never gives the loss a name or a reduction"),
    Mutant("partner drawn among all ten, moved on by one when it is d", "create_pairs",
           "other = (d + rng.integers(1, 10)) % 10",
           "other = rng.integers(0, 10)\n            other = (other + 1) % 10 if other == d else other",
           "create_pairs", hidden_only="the self-check only sees that the two classes of a negative pair differ"),
    Mutant("labels not taken from the batch", "fit_loop", "labels[batch])", "labels[:len(batch)])", "fit_loop",
           hidden_only="the self-check only looks at the first images of each batch"),
    Mutant("epochs printed from 0", "fit_loop", 'print(f"Epoch {epoch + 1}/{epochs}")',
           'print(f"Epoch {epoch}/{epochs}")', "fit_loop", hidden_only=DISPLAY_ONLY),
    Mutant("progress bar steps from 0", "fit_loop", "progbar.update(step + 1,", "progbar.update(step,", "fit_loop",
           hidden_only=DISPLAY_ONLY),
    Mutant("progress bar without its target", "fit_loop", "keras.utils.Progbar(len(batches),",
           "keras.utils.Progbar(None,", "fit_loop", hidden_only=DISPLAY_ONLY),
    Mutant("predict_same returns floats", "evaluate", '(np.ravel(distances) <= margin / 2).astype("int64")',
           '(np.ravel(distances) <= margin / 2).astype("float32")', "evaluate",
           hidden_only="the self-check compares the values of predict_same, not their dtype"),
    Mutant("accuracy counts the wrong predictions", "evaluate", "loss_fn.margin) == np.ravel(labels)",
           "loss_fn.margin) != np.ravel(labels)", "evaluate"),
    Mutant("batches drawn once, not every epoch", "fit_loop",
           '    for epoch in range(epochs):\n        print(f"Epoch {epoch + 1}/{epochs}")\n'
           "        batches = make_batches(len(labels), batch_size, rng)\n",
           "    batches = make_batches(len(labels), batch_size, rng)\n"
           '    for epoch in range(epochs):\n        print(f"Epoch {epoch + 1}/{epochs}")\n', "fit_loop"),
    Mutant("only the first batch of each epoch", "fit_loop", "for step, batch in enumerate(batches):",
           "for step, batch in enumerate(batches[:1]):", "fit_loop"),
    Mutant("the first images twice", "fit_loop", "(pairs[batch, 0], pairs[batch, 1])",
           "(pairs[batch, 0], pairs[batch, 0])", "fit_loop",
           hidden_only="the self-check only looks at the first images of each batch"),
    Mutant("distance from keras.ops on the embeddings, no layer", "siamese",
           'EuclideanDistance(name="distance")([encoder(first), encoder(second)])',
           "ops.sqrt(ops.maximum(ops.sum(ops.square(encoder(first) - encoder(second)), axis=-1), 1e-7))", "siamese",
           hidden_only="the self-check counts parameters and distances, not which layer"),
    Mutant("encoder dropout after the last Dense", "encoder",
           '        keras.layers.Dense(units, activation="relu"),\n    ], name="encoder")',
           '        keras.layers.Dense(units, activation="relu"),\n        keras.layers.Dropout(dropout),\n'
           '    ], name="encoder")', "encoder",
           hidden_only="the self-check counts dropout rates, not where the layers are"),
    Mutant("Adam with beta_1 0.8", "training_objects", "Adam(learning_rate=1e-3)",
           "Adam(learning_rate=1e-3, beta_1=0.8)", "training_objects",
           hidden_only="the self-check reads the learning rate only"),
    Mutant("Adam with gradient clipping", "training_objects", "Adam(learning_rate=1e-3)",
           "Adam(learning_rate=1e-3, clipnorm=1.0)", "training_objects",
           hidden_only="the self-check reads the learning rate only"),
    Mutant("train_step ignores its loss_fn", "train_step", "loss = loss_fn(y, distances)",
           "loss = ContrastiveLoss(margin=1.0)(y, distances)", "train_step",
           hidden_only="the self-check's own loss has margin 1.0 too"),
    Mutant("accuracy at the margin, written out", "evaluate",
           "float(np.mean(predict_same(distances, loss_fn.margin) == np.ravel(labels)))",
           "float(np.mean((np.ravel(distances) <= loss_fn.margin) == np.ravel(labels)))", "evaluate"),
    Mutant("array_split into n // batch_size batches", "batches",
           "return [order[start:start + batch_size] for start in range(0, n, batch_size)]",
           "return np.array_split(order, max(n // batch_size, 1))", "batches",
           hidden_only="the self-check's n = 10 and batch size 4 give 4, 4, 2 either way"),
    Mutant("evaluate averages the accuracies of chunks", "evaluate",
           "accuracy = float(np.mean(predict_same(distances, loss_fn.margin) == np.ravel(labels)))",
           "accuracy = float(np.mean([np.mean(predict_same(distances[i:i + 1000], loss_fn.margin)\n"
           "                                  == np.ravel(labels)[i:i + 1000]) for i in range(0, len(labels), 1000)]))",
           "evaluate", hidden_only="the self-check's 2,000 pairs are two whole chunks"),
    Mutant("a batch of one squeezed to a scalar", "batches", "order[start:start + batch_size] for",
           "order[start:start + batch_size].squeeze() for", "batches", hidden_only="the self-check has no batch of one"),
    Mutant("images of a batch squeezed in the fit loop", "fit_loop", "(pairs[batch, 0], pairs[batch, 1])",
           "(pairs[batch, 0].squeeze(), pairs[batch, 1].squeeze())", "fit_loop",
           hidden_only="the self-check has no batch of one"),
    Mutant("int16 class indices", "class_indices", "np.where(y == c)[0]", "np.where(y == c)[0].astype(np.int16)",
           "class_indices", hidden_only="the self-check looks at the first three indices only"),
    Mutant("uint8 batch positions", "batches", "order = rng.permutation(n)", "order = rng.permutation(n).astype(np.uint8)",
           "batches", hidden_only="the self-check has n = 10"),
    Mutant("evaluate returns float32 numbers", "evaluate", "return loss, accuracy",
           "return np.float32(loss), np.float32(accuracy)", "evaluate"),
    Mutant("fit loop shuffles with a fresh rng", "fit_loop", "make_batches(len(labels), batch_size, rng)",
           "make_batches(len(labels), batch_size, np.random.default_rng())", "fit_loop",
           hidden_only="the self-check only sees that the two epochs differ"),
    Mutant("fit loop shuffles with the notebook's rng", "fit_loop", "make_batches(len(labels), batch_size, rng)",
           "make_batches(len(labels), batch_size, globals()['rng'])", "fit_loop",
           hidden_only="the self-check only sees that the two epochs differ"),
]
SLOW_ALTERNATIVES = [
    Mutant("labels from a float32 list", "create_pairs", 'labels = np.tile(np.array([1, 0], dtype="float32"), 10 * n)',
           "labels = np.array([1.0, 0.0] * 10 * n, dtype=np.float32)", "create_pairs"),
    Mutant("predict_same with np.where", "evaluate", '(np.ravel(distances) <= margin / 2).astype("int64")',
           "np.where(np.ravel(distances) <= margin / 2, 1, 0)", "evaluate"),
    Mutant("epochs counted from 1", "fit_loop",
           'for epoch in range(epochs):\n        print(f"Epoch {epoch + 1}/{epochs}")',
           'for epoch in range(1, epochs + 1):\n        print(f"Epoch {epoch}/{epochs}")', "fit_loop"),
    Mutant("epoch line printed with print's arguments", "fit_loop", 'print(f"Epoch {epoch + 1}/{epochs}")',
           'print("Epoch", epoch + 1, "/", epochs)', "fit_loop"),
    Mutant("tf.keras's Progbar", "fit_loop", "keras.utils.Progbar(len(batches),",
           "tf.keras.utils.Progbar(len(batches),", "fit_loop"),
    # What the loop shows is judged, not how the bar draws it: verbose, finalize and stateful_metrics are free.
    Mutant("progress bar finalized by its own last step", "fit_loop", ", finalize=False)", ")", "fit_loop"),
    Mutant("progress bar without stateful metrics, drawn live", "fit_loop",
           "stateful_metrics=list(history),\n                                      verbose=utils.progress.verbosity())",
           "verbose=1)", "fit_loop"),
    Mutant("distance of shape (batch, 1)", "distance", "ops.sum(ops.square(u - v), axis=-1)",
           "ops.sum(ops.square(u - v), axis=-1, keepdims=True)", "trained_model"),
]


# Evidence whose changed copy (see _changed) a judge may accept, and why: every other piece is judged.
UNJUDGED_CHANGES = {
    ("create_pairs", "other"): "it must differ from the pairs, and the changed copy differs too",
    ("encoder", "training_output"): "it must differ from the output in inference mode, and the changed copy does too",
    ("batches", "second"): "it must differ from the first call's batches, and the changed copy does too",
    ("fit_loop", "other_seed"): "it must differ from the first epoch, and the changed copy does too",
    ("create_pairs", "spread"): "each position + 1 keeps the shares of the classes, which is what it is read for",
    ("distance", "gradient"): "it must be finite, and the changed copy is finite too",
    ("siamese", "output_layers"): "it only names, in the message, what gives the output instead of the distance layer",
    ("training_objects", "optimizer_class"): "it only names, in the message, the class that is not Adam",
}


def _changed(value):
    """A copy of one piece of evidence that a judge should refuse: booleans flipped, JSON replaced, numbers + 1."""
    if value.dtype == bool:
        return ~value
    if value.dtype == np.uint8:
        return json_evidence("changed")
    return value + 1


class TestHiddenChecks(HiddenChecks):
    LESSON, MUTANTS, ALTERNATIVES = LESSON, MUTANTS, ALTERNATIVES
    SLOW_MUTANTS, SLOW_ALTERNATIVES = SLOW_MUTANTS, SLOW_ALTERNATIVES
    MUTATION_REVIEWED = True

    def test_every_piece_of_evidence_is_judged(self, reference_run, key, monkeypatch):
        """A probe that records something no judge reads has a blind spot (issue 23: the encoder's default
        dropout rate was recorded and never judged): each piece of the reference's evidence, changed,
        must fail its judge."""
        collected = []
        collect = Exercise.collect
        monkeypatch.setattr(Exercise, "collect", lambda self, *args: collected.append(collect(self, *args))
                            or collected[-1])
        cell = inprocess.hidden_test(inprocess.source_notebook(LESSON), key)
        assert inprocess.run_cells([cell], reference_run[1])[key] is None
        judge = judges_of(judges)[key]
        inputs = judge.inputs(np.random.default_rng(grading_seed()))
        evidence = collected[-1]
        accepted = []
        for name, value in evidence.items():
            try:
                judge.judge(inputs, {**evidence, name: _changed(value)})
                accepted.append(name)
            except CheckFailed:
                pass
        assert sorted(accepted) == sorted(name for exercise, name in UNJUDGED_CHANGES if exercise == key)


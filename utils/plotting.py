"""Figures the lessons share: training curves and image grids."""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import Formatter, MaxNLocator

from utils.i18n import N_, _, number, significant

# The names Keras gives the metrics the lessons plot, as a reader should see them on an axis.
METRIC_LABELS = {"loss": N_("loss"), "accuracy": N_("accuracy"), "mean_iou": N_("mean IoU"),
                 "mae": N_("mean absolute error")}


def _history_dict(history):
    """Accept a Keras ``History``, or a plain ``{"loss": [...], ...}`` dict."""
    return dict(getattr(history, "history", history))


class NumberTicks(Formatter):
    """Tick labels written as the student's language writes numbers (0.84 in English, 0,84 in pt-BR).

    On a linear axis every label gets the same number of decimals (0,80 beside
    0,82); ``each_its_own=True`` (for a log axis: 0,05 beside 1,4) keeps each
    label's own.
    """

    def __init__(self, each_its_own=False):
        self.each_its_own = each_its_own

    def __call__(self, value, position=None):
        return number(significant(value, 6))

    def format_ticks(self, values):
        if self.each_its_own or not len(values):
            return [self(value) for value in values]
        digits = max(len(f"{significant(value, 6):f}".rstrip("0").partition(".")[2]) for value in values)
        return [number(significant(value, 6), digits) for value in values]


def metric_label(name):
    """A Keras metric name in words of the current language: "class_loss" is "class: loss" ("class: perda")."""
    for known, label in METRIC_LABELS.items():
        if name == known:
            return _(label)
        if name.endswith(f"_{known}"):
            return _("{output}: {metric}").format(output=name[:-len(known) - 1], metric=_(label))
    return name


def plot_history(history, metrics=("loss", "accuracy"), title=None, columns=2):
    """Plot training and validation curves, one panel per metric, ``columns`` panels to a row.

    ``val_<metric>`` is drawn beside ``<metric>`` when it is there. Epochs are
    numbered from 1, with whole-number ticks. Returns the figure so a notebook
    can save or adjust it.
    """
    curves = _history_dict(history)
    metrics = [m for m in metrics if m in curves]
    columns = min(columns, len(metrics))
    rows = int(np.ceil(len(metrics) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(5 * columns, 3.5 * rows), squeeze=False)
    for ax in axes.flat[len(metrics):]:
        ax.axis("off")
    for ax, metric in zip(axes.flat, metrics):
        epochs = np.arange(1, len(curves[metric]) + 1)
        ax.plot(epochs, curves[metric], "o-", label=_("training"))
        if f"val_{metric}" in curves:
            ax.plot(epochs, curves[f"val_{metric}"], "s--", label=_("validation"))
        ax.set_xlabel(_("epoch"))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_formatter(NumberTicks())
        ax.set_ylabel(metric_label(metric))
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_images(images, labels=None, class_names=None, columns=8, size=1.4, title=None):
    """Show a grid of grey-scale images with optional captions and an optional title above them.

    ``labels`` may be class indices (named through ``class_names``) or any
    strings. Returns the figure.
    """
    images = np.asarray(images)
    rows = int(np.ceil(len(images) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(columns * size, rows * size * 1.15 + (0.4 if title else 0)),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= len(images):
            continue
        ax.imshow(images[i].reshape(images[i].shape[0], -1), cmap="gray_r")
        if labels is not None:
            label = labels[i]
            if class_names is not None:
                label = class_names[int(label)]
            ax.set_title(str(label), fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_predictions(images, predicted, true, class_names, columns=8, size=1.4, title=None):
    """Show images captioned with the predicted class; a mistake is red and names the true class too.

    Returns the figure.
    """
    captions = [class_names[int(p)] if p == t else
                _("{predicted}\n(true: {true})").format(predicted=class_names[int(p)], true=class_names[int(t)])
                for p, t in zip(predicted, true)]
    fig = show_images(images, captions, columns=columns, size=size * 1.1, title=title)
    for ax, p, t in zip(fig.axes, predicted, true):
        ax.title.set_color("black" if p == t else "red")
    return fig

"""Figures the lessons share: training curves and image grids."""
import matplotlib.pyplot as plt
import numpy as np


def _history_dict(history):
    """Accept a Keras ``History``, or a plain ``{"loss": [...], ...}`` dict."""
    return dict(getattr(history, "history", history))


def plot_history(history, metrics=("loss", "accuracy"), title=None):
    """Plot training and validation curves, one panel per metric.

    ``val_<metric>`` is drawn beside ``<metric>`` when it is there. Returns
    the figure so a notebook can save or adjust it.
    """
    curves = _history_dict(history)
    metrics = [m for m in metrics if m in curves]
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.5), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        epochs = np.arange(1, len(curves[metric]) + 1)
        ax.plot(epochs, curves[metric], "o-", label="training")
        if f"val_{metric}" in curves:
            ax.plot(epochs, curves[f"val_{metric}"], "s--", label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_images(images, labels=None, class_names=None, columns=8, size=1.4):
    """Show a grid of grey-scale images with optional captions.

    ``labels`` may be class indices (named through ``class_names``) or any
    strings.
    """
    images = np.asarray(images)
    rows = int(np.ceil(len(images) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(columns * size, rows * size * 1.15), squeeze=False)
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
    fig.tight_layout()
    return fig

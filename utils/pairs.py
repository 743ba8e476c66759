"""Figures for lesson 05: pairs of images with their distance, and distance histograms.

The graded pieces of the lesson (making class indices and pairs, predicting
"same class") are exercises; these helpers only draw what they produce.
"""
import matplotlib.pyplot as plt
import numpy as np

from utils.i18n import _, number

RIGHT, WRONG = "#1a7f37", "#cf222e"


def pair_caption(distance=None, label=None, predicted=None):
    """The caption and colour of one pair in a gallery.

    ``label`` and ``predicted`` are 1 for "same class" and 0 for "different".
    The verdict (✔ or ✘) is shown when both are given, in green or red.
    """
    parts = []
    if distance is not None:
        parts.append(f"d = {number(distance, 2)}")
    if predicted is not None:
        parts.append(_("same") if int(predicted) == 1 else _("different"))
    elif label is not None:
        parts.append(_("same") if int(label) == 1 else _("different"))
    if label is not None and predicted is not None:
        right = int(label) == int(predicted)
        return " · ".join(parts) + (" ✔" if right else " ✘"), RIGHT if right else WRONG
    return " · ".join(parts), "black"


def show_pairs(pairs, labels=None, distances=None, predicted=None, columns=4, title=None, size=1.3):
    """A gallery of image pairs, each with its distance and, given predictions, the verdict.

    ``pairs`` has shape (n, 2, 784) or (n, 2, 28, 28). Each pair is drawn as
    its two images side by side in a frame coloured like its caption.
    Returns the figure.
    """
    pairs = np.asarray(pairs)
    count = len(pairs)
    rows = max(1, int(np.ceil(count / columns)))
    fig, axes = plt.subplots(rows, columns, figsize=(columns * 2 * size + 0.4, rows * (size + 0.45)), squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if k >= count:
            ax.axis("off")
            continue
        first, second = (image.reshape(28, 28) for image in pairs[k])
        gap = np.zeros((28, 3))
        ax.imshow(np.hstack([first, gap, second]), cmap="gray_r", vmin=0, vmax=max(1.0, float(pairs[k].max())))
        caption, colour = pair_caption(
            None if distances is None else np.ravel(distances)[k],
            None if labels is None else np.ravel(labels)[k],
            None if predicted is None else np.ravel(predicted)[k],
        )
        ax.set_title(caption, fontsize=8, color=colour)
        for spine in ax.spines.values():
            spine.set_edgecolor(colour)
            spine.set_linewidth(2 if colour != "black" else 0.5)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_distance_histograms(distances, labels, threshold=None, bins=60, title=None):
    """Histograms of the distances of same-class pairs and of different-class pairs.

    A dashed line marks ``threshold`` when given: pairs left of it are
    predicted "same". Returns the figure.
    """
    distances, labels = np.ravel(distances), np.ravel(labels)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    edges = np.linspace(0.0, max(float(distances.max()), threshold or 0.0) * 1.02 + 1e-9, bins + 1)
    ax.hist(distances[labels == 1], bins=edges, alpha=0.6, color="#0969da", label=_("same class (label 1)"))
    ax.hist(distances[labels == 0], bins=edges, alpha=0.6, color="#bf8700", label=_("different classes (label 0)"))
    if threshold is not None:
        ax.axvline(threshold, color="black", linestyle="--",
                   label=_("threshold {threshold}").format(threshold=number(threshold)))
    ax.set_xlabel(_("distance between the two embeddings"))
    ax.set_ylabel(_("pairs"))
    ax.legend()
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig

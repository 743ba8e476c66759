"""Fashion-MNIST items on a larger canvas, for models that say *where* an item is as well as *what* it is.

:func:`place_on_canvas` pastes each 28 x 28 item at a random position on a
blank square canvas (56 x 56 by default) and returns the item's bounding box.

Box convention, used everywhere in the course: a box is four numbers
``(y_min, x_min, y_max, x_max)`` (row first, as in ``tf.image``), each
divided by the canvas side so that it lies in [0, 1]. They are pixel *edges*:
an item whose non-blank pixels fill rows 10 to 19 and columns 3 to 30 of a
56-pixel canvas has the box ``(10/56, 3/56, 20/56, 31/56)``. The box is the
tight box around the item's non-blank pixels, not the 28 x 28 tile it came in,
so a pair of trousers gets a tall, narrow box and a bag a wide one.
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from utils.i18n import _

CANVAS_SIZE = 56
_CHUNK = 8192  # items pasted per vectorised step


def item_extent(images, threshold=0):
    """The tight pixel box ``(top, left, bottom, right)`` of each image's pixels above ``threshold``.

    ``bottom`` and ``right`` are exclusive (one past the last such pixel).
    An image with no such pixel gets the whole image as its box.
    """
    mask = np.asarray(images) > threshold
    n, height, width = mask.shape
    rows, cols = mask.any(axis=2), mask.any(axis=1)
    top = rows.argmax(axis=1)
    bottom = height - rows[:, ::-1].argmax(axis=1)
    left = cols.argmax(axis=1)
    right = width - cols[:, ::-1].argmax(axis=1)
    return np.stack([top, left, bottom, right], axis=1)


def place_on_canvas(images, seed=0, size=CANVAS_SIZE):
    """Paste each image at a random position on a blank ``size`` x ``size`` canvas.

    ``images`` is an (n, h, w) uint8 array; ``seed`` an int or a NumPy
    Generator (the same seed gives the same canvases). Returns
    ``(canvases, boxes)``: canvases of shape (n, size, size) and the images'
    dtype, and boxes of shape (n, 4), float32, in the module's convention.
    The pasting is vectorised (one fancy-indexing assignment per chunk of
    items), so 60,000 canvases take a fraction of a second.
    """
    images = np.asarray(images)
    n, height, width = images.shape
    if height > size or width > size:
        raise ValueError(_("images of {height} x {width} do not fit on a {size} x {size} canvas").format(
            height=height, width=width, size=size))
    rng = np.random.default_rng(seed)
    top = rng.integers(0, size - height + 1, size=n)
    left = rng.integers(0, size - width + 1, size=n)
    canvases = np.zeros((n, size, size), dtype=images.dtype)
    # Where each item pixel lands in the flattened canvases: one index array
    # per chunk of items, so the temporary stays small (about 50 MB).
    flat, pixels = canvases.reshape(-1), images.reshape(n, -1)
    tile = (np.arange(height)[:, None] * size + np.arange(width)).ravel()
    start = np.arange(n) * size * size + top * size + left
    for chunk in range(0, n, _CHUNK):
        part = slice(chunk, chunk + _CHUNK)
        flat[start[part, None] + tile] = pixels[part]
    offsets = np.stack([top, left, top, left], axis=1)
    boxes = (item_extent(images) + offsets) / size
    return canvases, boxes.astype(np.float32)


def box_iou(boxes_a, boxes_b):
    """Intersection over union of boxes, pair by pair (shapes (..., 4), same convention).

    Returns an array of the leading shape; two empty boxes have IoU 0.
    """
    a, b = np.asarray(boxes_a, dtype=np.float64), np.asarray(boxes_b, dtype=np.float64)
    height = np.clip(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0, None)
    width = np.clip(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0, None)
    intersection = height * width

    def area(box):
        return np.clip(box[..., 2] - box[..., 0], 0, None) * np.clip(box[..., 3] - box[..., 1], 0, None)

    union = area(a) + area(b) - intersection
    return np.divide(intersection, union, out=np.zeros_like(intersection), where=union > 0)


def draw_box(ax, box, size, **style):
    """Draw one normalised box on an ``imshow`` of a ``size``-pixel canvas (pixel edges sit at k - 0.5)."""
    y_min, x_min, y_max, x_max = np.asarray(box, dtype=np.float64) * size - 0.5
    ax.add_patch(Rectangle((x_min, y_min), x_max - x_min, y_max - y_min, fill=False, **style))


def show_boxes(canvases, true_boxes, predicted_boxes=None, captions=None, columns=6, size=2.0):
    """A grid of canvases with the true box (green) and, if given, the predicted box (red, dashed).

    Returns the figure.
    """
    canvases = np.asarray(canvases)
    side = canvases.shape[1]
    rows = int(np.ceil(len(canvases) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(columns * size, rows * size * 1.12), squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i >= len(canvases):
            ax.axis("off")
            continue
        ax.imshow(canvases[i], cmap="gray_r")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():  # the canvas's edge: where an item sits is the point
            spine.set_edgecolor("0.6")
        draw_box(ax, true_boxes[i], side, edgecolor="tab:green", linewidth=1.5, label=_("true"))
        if predicted_boxes is not None:
            draw_box(ax, predicted_boxes[i], side, edgecolor="tab:red", linewidth=1.5, linestyle="--",
                     label=_("predicted"))
        if captions is not None:
            ax.set_title(str(captions[i]), fontsize=8)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, frameon=False)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig

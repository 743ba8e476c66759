"""utils.canvas: reproducible canvases whose boxes fit the pasted items' pixels exactly."""
import numpy as np
import pytest

from utils import canvas


def _items(count, seed=0):
    """Random items with blank margins of random widths, like Fashion-MNIST's."""
    rng = np.random.default_rng(seed)
    items = rng.integers(1, 256, size=(count, 28, 28), dtype=np.uint8)
    for item in items:
        top, left = rng.integers(0, 10, size=2)
        bottom, right = 28 - rng.integers(0, 10, size=2)
        item[:top], item[bottom:], item[:, :left], item[:, right:] = 0, 0, 0, 0
    return items


def _pixel_box(image):
    """The tight (top, left, bottom, right) box of the non-zero pixels, bottom and right exclusive."""
    rows, cols = np.flatnonzero(image.any(axis=1)), np.flatnonzero(image.any(axis=0))
    return np.array([rows[0], cols[0], rows[-1] + 1, cols[-1] + 1])


def test_same_seed_same_canvases_and_another_seed_others():
    items = _items(300)
    first, second, other = (canvas.place_on_canvas(items, seed=s) for s in (7, 7, 8))
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert not np.array_equal(first[1], other[1])


def test_a_generator_is_a_seed_too():
    items = _items(50)
    from_int = canvas.place_on_canvas(items, seed=3)
    from_generator = canvas.place_on_canvas(items, seed=np.random.default_rng(3))
    np.testing.assert_array_equal(from_int[1], from_generator[1])


def test_shapes_and_dtypes():
    canvases, boxes = canvas.place_on_canvas(_items(20), seed=0)
    assert canvases.shape == (20, 56, 56) and canvases.dtype == np.uint8
    assert boxes.shape == (20, 4) and boxes.dtype == np.float32


def test_boxes_lie_in_the_unit_square_and_are_ordered():
    _, boxes = canvas.place_on_canvas(_items(2000), seed=1)
    assert boxes.min() >= 0.0 and boxes.max() <= 1.0
    assert np.all(boxes[:, 0] < boxes[:, 2]) and np.all(boxes[:, 1] < boxes[:, 3])


def test_each_box_is_the_tight_box_of_the_pasted_pixels():
    items = _items(500, seed=2)
    canvases, boxes = canvas.place_on_canvas(items, seed=5)
    for image, box in zip(canvases, boxes):
        np.testing.assert_allclose(box * 56, _pixel_box(image), atol=1e-4)


def test_the_item_is_pasted_whole_and_nothing_else():
    items = _items(200, seed=4)
    canvases, _ = canvas.place_on_canvas(items, seed=6)
    for item, image in zip(items, canvases):
        assert image.sum(dtype=np.int64) == item.sum(dtype=np.int64)
        top, left = _pixel_box(image)[:2] - _pixel_box(item)[:2]
        np.testing.assert_array_equal(image[top:top + 28, left:left + 28], item)


def test_positions_cover_the_canvas():
    items = np.full((3000, 28, 28), 9, dtype=np.uint8)
    _, boxes = canvas.place_on_canvas(items, seed=0)
    tops = np.round(boxes[:, 0] * 56).astype(int)
    assert tops.min() == 0 and tops.max() == 28


def test_other_canvas_sizes():
    canvases, boxes = canvas.place_on_canvas(_items(30), seed=0, size=40)
    assert canvases.shape == (30, 40, 40)
    for image, box in zip(canvases, boxes):
        np.testing.assert_allclose(box * 40, _pixel_box(image), atol=1e-4)


def test_items_larger_than_the_canvas_are_refused():
    with pytest.raises(ValueError, match="do not fit"):
        canvas.place_on_canvas(_items(2), size=20)


def test_a_blank_item_gets_its_whole_tile():
    assert canvas.item_extent(np.zeros((1, 28, 28), dtype=np.uint8)).tolist() == [[0, 0, 28, 28]]


def test_box_iou_known_values():
    box = np.array([0.2, 0.2, 0.6, 0.4])
    assert canvas.box_iou(box, box) == pytest.approx(1.0)
    assert canvas.box_iou(box, box + [0.2, 0, 0.2, 0]) == pytest.approx(1 / 3)
    assert canvas.box_iou(box, [0.7, 0.7, 0.9, 0.9]) == 0.0
    assert canvas.box_iou(np.zeros(4), np.zeros(4)) == 0.0
    assert canvas.box_iou(np.tile(box, (5, 1)), np.tile(box, (5, 1))).shape == (5,)


def test_show_boxes_draws_a_figure():
    import matplotlib.pyplot as plt

    canvases, boxes = canvas.place_on_canvas(_items(7), seed=0)
    figure = canvas.show_boxes(canvases, boxes, boxes[::-1], captions=list("abcdefg"), columns=4)
    assert len(figure.axes) == 8
    plt.close(figure)

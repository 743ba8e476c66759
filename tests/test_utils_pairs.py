"""The pair figures of lesson 05: captions, verdict colours, and figures that draw without error."""
import matplotlib.pyplot as plt
import numpy as np

from utils import pairs


def test_caption_with_a_right_prediction():
    assert pairs.pair_caption(0.123, label=1, predicted=1) == ("d = 0.12 · same ✔", pairs.RIGHT)


def test_caption_with_a_wrong_prediction():
    assert pairs.pair_caption(0.9, label=1, predicted=0) == ("d = 0.90 · different ✘", pairs.WRONG)


def test_caption_with_a_label_only():
    assert pairs.pair_caption(label=0) == ("different", "black")


def test_gallery_has_one_panel_per_pair_and_coloured_titles():
    rng = np.random.default_rng(0)
    images = rng.uniform(0, 1, size=(5, 2, 784))
    fig = pairs.show_pairs(images, labels=[1, 0, 1, 0, 1], distances=[0.1, 0.2, 0.9, 1.4, 0.3],
                           predicted=[1, 1, 0, 0, 1], columns=3)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert len(fig.axes) == 6 and len(titles) == 5
    assert [t.endswith("✔") for t in titles] == [True, False, False, True, True]
    plt.close(fig)


def test_histograms_split_same_and_different_pairs():
    distances = np.array([0.1, 0.2, 0.3, 1.2, 1.5])
    fig = pairs.plot_distance_histograms(distances, [1, 1, 1, 0, 0], threshold=0.5)
    same, different = fig.axes[0].containers
    assert sum(p.get_height() for p in same) == 3 and sum(p.get_height() for p in different) == 2
    plt.close(fig)

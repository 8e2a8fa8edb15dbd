"""The decision boundary: the network's output over the examples' square, drawn once and updated in place."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from explorer.drawing.boundary import RESOLUTION, DecisionBoundary, inner_ticks, output_grid, square
from explorer.engine.network import Network
from explorer.engine.presets import random_network
from tests.helpers.readable import assert_readable

XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_TARGETS = np.array([[0.0], [1.0], [1.0], [0.0]])


def test_square_widens_the_examples_box():
    assert square(XOR_INPUTS) == (-0.25, 1.25, -0.25, 1.25)
    assert square(np.array([[2.0, 3.0], [2.0, 5.0]]), margin=0.5) == (1.5, 2.5, 2.0, 6.0)  # a flat side gets 0.5


def test_output_grid_rows_are_input_2_columns_input_1():
    # out = linear(i1 - 2 * i2): it grows along columns and falls along rows
    net = Network([[[1.0, -2.0]]], [0.0], activations="linear")
    grid = output_grid(net, (0.0, 1.0, 0.0, 1.0), resolution=3)
    assert grid.shape == (3, 3)
    assert grid == pytest.approx(np.array([[0.0, 0.5, 1.0], [-1.0, -0.5, 0.0], [-2.0, -1.5, -1.0]]))


def test_only_two_inputs_and_one_output():
    with pytest.raises(ValueError, match="2 inputs and 1 output"):
        output_grid(random_network((3, 2, 1)), (0, 1, 0, 1))
    with pytest.raises(ValueError):
        output_grid(random_network((2, 2, 2)), (0, 1, 0, 1))


def test_show_draws_the_grid_and_the_examples_in_place():
    boundary = DecisionBoundary()
    FigureCanvasAgg(boundary.figure)
    image, points = boundary.image, boundary.points
    net = random_network((2, 3, 1), seed=0)
    boundary.show(net, XOR_INPUTS, XOR_TARGETS)
    assert boundary.image is image and boundary.points is points  # updated, not re-created
    assert boundary.pixels().shape == (RESOLUTION, RESOLUTION)
    assert boundary.pixels() == pytest.approx(output_grid(net, square(XOR_INPUTS)))
    assert boundary.extent == square(XOR_INPUTS) and boundary.ax.get_xlim() == (-0.25, 1.25)
    assert points.get_offsets().tolist() == XOR_INPUTS.tolist()
    assert points.get_array().tolist() == [0.0, 1.0, 1.0, 0.0]
    assert image.get_clim() == (0.0, 1.0)  # the targets span 0 to 1, a sigmoid's outputs inside them
    boundary.figure.canvas.draw()


def test_the_colour_scale_widens_to_outputs_beyond_the_targets():
    boundary = DecisionBoundary()
    net = Network([[[3.0, 3.0]]], [0.0], activations="linear")  # outputs up to 3 * 1.25 * 2
    boundary.show(net, XOR_INPUTS, XOR_TARGETS)
    low, high = boundary.image.get_clim()
    assert low == pytest.approx(-1.5) and high == pytest.approx(7.5)
    assert boundary.points.get_clim() == (low, high)  # examples coloured on the same scale


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize(
    "inputs",
    [
        np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float),  # the gates: square -0.25 to 1.25
        np.array([[-3.0, 0.2], [2.5, 0.4], [0.1, 7.0]]),  # wider, uneven ranges
    ],
)
def test_axes_named_i1_and_i2_title_and_ticks_readable_and_whole_on_the_panels_figure(theme, inputs):
    figure = Figure(figsize=(3.6, 2.7))  # the panel's figure and margins
    figure.subplots_adjust(left=0.16, right=0.98, top=0.9, bottom=0.19)
    plot = DecisionBoundary(figure.add_subplot(), theme=theme)
    network = random_network((2, 3, 1), seed=1)
    plot.show(network, inputs, np.linspace(0, 1, len(inputs))[:, None])
    ax = plot.ax
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("i1", "i2")
    assert_readable(ax, theme, (ax.xaxis.label, ax.yaxis.label, plot.title))
    for axis, (low, high) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
        ticks = axis.get_majorticklocs()
        assert len(ticks) >= 2 and all(low < t < high for t in ticks)  # none at an edge, where it would be cut
    # the class regions' title too
    softmax = random_network((2, 3, 3), seed=1, activations=["sigmoid", "softmax"], loss="cce")
    plot.show(softmax, inputs, np.eye(3)[np.arange(len(inputs)) % 3])
    assert_readable(ax, theme, (plot.title,))


def test_inner_ticks_are_round_and_clear_of_the_edges():
    assert inner_ticks(-0.25, 1.25) == [0.0, 0.5, 1.0]
    assert inner_ticks(-4.0, 3.5) == [-2.0, 0.0, 2.0]


def test_several_outputs_draw_one_colour_per_class():
    from matplotlib.colors import to_rgb

    from explorer.drawing.boundary import CLASS_COLOURS, class_grid, class_image
    from explorer.engine.datasets import dataset
    from explorer.engine.training import train

    data = dataset("three-class")
    net = random_network((2, 3, 3), seed=0, activations=["sigmoid", "softmax"], loss="cce")
    net = train(net, data.inputs, data.targets, 300).network
    boundary = DecisionBoundary()
    FigureCanvasAgg(boundary.figure)
    image, points = boundary.image, boundary.points
    boundary.show(net, data.inputs, data.targets)
    assert boundary.image is image and boundary.points is points
    classes, confidence = class_grid(net, square(data.inputs))
    assert np.array_equal(boundary.classes, classes) and set(np.unique(classes)) == {0, 1, 2}
    pixels = boundary.pixels()
    assert pixels.shape == (RESOLUTION, RESOLUTION, 3)
    # where the network is sure, a pixel is its class's colour (70%) on white
    r, c = np.unravel_index(np.argmax(confidence), confidence.shape)
    sure = 1.0 - 0.7 * np.sqrt(confidence[r, c]) * (1.0 - np.array(to_rgb(CLASS_COLOURS[classes[r, c]])))
    assert pixels[r, c] == pytest.approx(sure)
    assert class_image(np.array([[1]]), np.array([[0.0]])).tolist() == [[[1.0, 1.0, 1.0]]]  # a tie is white
    # each example in its target's class colour
    assert points.get_array().tolist() == [0] * 5 + [1] * 5 + [2] * 5
    assert boundary.title.get_text() == "class = largest output; pale: unsure"
    boundary.figure.canvas.draw()
    # and back to one output: the heat map again
    boundary.show(random_network((2, 3, 1), seed=0), XOR_INPUTS, XOR_TARGETS)
    assert boundary.pixels().shape == (RESOLUTION, RESOLUTION) and boundary.classes is None

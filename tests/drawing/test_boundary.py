"""The decision boundary: the network's output over the examples' square, drawn once and updated in place."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from explorer.drawing.boundary import RESOLUTION, DecisionBoundary, output_grid, square
from explorer.engine.network import Network
from explorer.engine.presets import random_network

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

"""Datasets: the built-in ones' shapes and values, the table's checks, and --dataset on the CLI."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.engine.datasets import (
    MAX_EXAMPLES,
    MAX_TABLE_BYTES,
    NAMES,
    check_fits,
    choose,
    dataset,
    fit_sizes,
    identify,
    parse_table,
    table_text,
)
from explorer.engine.presets import random_network
from explorer.engine.training import train
from explorer.engine.validation import InputError

#: truth tables written out here, not read from the module
GATES = {"xor": [0, 1, 1, 0], "and": [0, 0, 0, 1], "or": [0, 1, 1, 1], "nand": [1, 1, 1, 0]}
CORNERS = [[0, 0], [0, 1], [1, 0], [1, 1]]
#: what the edit fields refuse, each must be refused in a table cell too
BAD_CELLS = ["", "abc", "nan", "inf", "-inf", "1e999", "101", "-100.5", "2*3", "0x10", "1,5"]


@pytest.mark.parametrize("name", sorted(GATES))
def test_gates_have_four_corners_and_their_truth_table(name):
    data = dataset(name)
    assert data.inputs.shape == (4, 2) and data.targets.shape == (4, 1)
    assert data.inputs.tolist() == CORNERS
    assert data.targets[:, 0].tolist() == GATES[name]
    assert (data.n_inputs, data.n_outputs, data.examples) == (2, 1, 4)


def test_seed_dataset_is_the_worked_example():
    data = dataset("seed")
    assert data.inputs.tolist() == [[0.05, 0.10]] and data.targets.tolist() == [[0.01, 0.99]]


def test_every_name_is_offered_and_bad_names_are_refused():
    assert NAMES == ("seed", "xor", "and", "or", "nand", "three-class", "table")
    for bad in ("XOR ", "xnor", "", "table"):  # a table is parsed, not looked up
        with pytest.raises(InputError, match="dataset: choose one of seed, xor"):
            dataset(bad)


def test_table_reads_commas_and_tabs_and_skips_blank_lines():
    data = parse_table("0, 0, 0.1\n\n1\t0\t0.9\n 0.5 ,-1, 1e-2 \n", n_inputs=2)
    assert data.name == "table"
    assert data.inputs.tolist() == [[0, 0], [1, 0], [0.5, -1]]
    assert data.targets.tolist() == [[0.1], [0.9], [0.01]]
    wide = parse_table("1,2,3,4,5", n_inputs=3)
    assert wide.inputs.shape == (1, 3) and wide.targets.shape == (1, 2)


def test_table_round_trips_through_its_text():
    data = parse_table("0.05,0.1,0.01,0.99\n1,-2.5,0,1", n_inputs=2)
    again = parse_table(data.to_text(), 2, 2)
    assert np.array_equal(again.inputs, data.inputs) and np.array_equal(again.targets, data.targets)


@pytest.mark.parametrize("bad", BAD_CELLS)
def test_table_refuses_every_bad_cell_naming_row_and_column(bad):
    text = f"0,0,0\n0,1,1\n1,{bad},1\n1,1,0"
    with pytest.raises(InputError) as caught:
        parse_table(text, 2, 1)
    message = str(caught.value)
    if bad == "1,5":  # a comma inside a cell makes the row too wide
        assert "row 3 has 4 cells; each row needs 3 (2 inputs, then 1 target)" in message
    else:
        assert "table row 3, column 2" in message and "enter a number from -100 to 100" in message


def test_table_refuses_wrong_widths_and_empty_or_huge_tables():
    with pytest.raises(InputError, match="row 2 has 2 cells; each row needs 3"):
        parse_table("0,0,0\n1,1", 2, 1)
    with pytest.raises(InputError, match="row 1 has 4 cells; each row needs 3"):
        parse_table("0,0,0,0", 2, 1)
    with pytest.raises(InputError, match="at least one target"):
        parse_table("0,0", 2)
    with pytest.raises(InputError, match="at least one row"):
        parse_table(" \n\t\n", 2, 1)
    with pytest.raises(InputError, match=f"at most {MAX_EXAMPLES} rows"):
        parse_table("0,0,0\n" * (MAX_EXAMPLES + 1), 2, 1)
    with pytest.raises(InputError, match="layer sizes"):
        parse_table("0," * 17 + "0", 17, 1)


def test_sizes_are_fitted_to_the_data_or_refused():
    xor = dataset("xor")
    assert fit_sizes(xor, (2, 3, 3, 2)) == (2, 3, 3, 1)
    assert fit_sizes(dataset("seed"), (2, 5, 1)) == (2, 5, 2)
    check_fits(xor, (2, 3, 1))
    with pytest.raises(InputError, match=r"xor dataset has 2 inputs and 1 target.*such as 2,3,1 \(got 2,3,2\)"):
        check_fits(xor, (2, 3, 2))


# ---------------------------------------------------------------------------- CLI


def test_cli_trains_xor_with_a_falling_error_and_the_four_outputs(cli):
    code, out, err = cli("train", "--dataset", "xor", "--layers", "2,3,1", "--iterations", "10000")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    errors = [float(line.split()[1]) for line in lines if line.strip()[:1].isdigit()]
    assert len(errors) == 6 and errors[-1] < errors[0] / 2
    assert all(b <= a for a, b in zip(errors, errors[1:]))
    outputs = [line for line in lines if line.startswith("example ")]
    assert [o.split(":")[0] for o in outputs] == [
        "example 1 (i1 0, i2 0)",
        "example 2 (i1 0, i2 1)",
        "example 3 (i1 1, i2 0)",
        "example 4 (i1 1, i2 1)",
    ]
    # the printed outputs are the trained network's, checked against the engine
    expected = (
        train(random_network((2, 3, 1), seed=0), dataset("xor").inputs, dataset("xor").targets, 10_000)
        .network.forward(dataset("xor").inputs)
        .output[:, 0]
    )
    printed = [float(o.split("o1: ")[1].split()[0]) for o in outputs]
    assert printed == pytest.approx(expected, abs=1e-9)
    assert [o.split("(target ")[1].rstrip(")") for o in outputs] == ["0", "1", "1", "0"]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--dataset", "xr"], "--dataset: choose one of seed, xor, and, or, nand, three-class, table (got 'xr')"),
        (["--dataset", "xor", "--layers", "2,3,2"], "--layers: the xor dataset has 2 inputs and 1 target"),
        (["--dataset", "table"], "--table: --dataset table needs --table FILE"),
        (["--dataset", "and", "--inputs", "1,2"], "--inputs: the and dataset has its own examples"),
        (["--table", "x.csv"], "--table: goes with --dataset table"),
    ],
)
def test_cli_bad_dataset_arguments_exit_2_with_one_line(cli, argv, message):
    for command in ("train", "steps", "handout"):
        code, out, err = cli(command, *argv)
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and message in err


def test_cli_table_of_the_wrong_width_exits_2_with_one_line(cli, tmp_path):
    table = tmp_path / "examples.csv"
    table.write_text("0,0,0\n0,1,1\n1,0\n")
    code, out, err = cli("train", "--dataset", "table", "--table", str(table), "--layers", "2,3,1")
    assert (code, out) == (2, "")
    assert err == (
        "python -m explorer train: error: --table: row 3 has 2 cells; each row needs 3 (2 inputs, then 1 target)\n"
    )
    table.write_text("0\t0\t0\n0\t1\tone\n")
    code, _, err = cli("train", "--dataset", "table", "--table", str(table), "--layers", "2,3,1")
    assert code == 2 and "--table row 2, column 3: enter a number from -100 to 100 (got 'one')" in err
    code, _, err = cli("train", "--dataset", "table", "--table", str(tmp_path / "missing.csv"))
    assert code == 2 and err.count("\n") == 1 and "--table: cannot read" in err


def test_cli_table_trains_on_its_rows(cli, tmp_path):
    table = tmp_path / "examples.tsv"
    table.write_text("0\t0\t0.1\n1\t1\t0.9\n")
    code, out, err = cli("train", "--dataset", "table", "--table", str(table), "--layers", "2,2,1", "--iterations", "5")
    assert (code, err) == (0, "")
    assert "example 2 (i1 1, i2 1): o1:" in out and "(target 0.9)" in out


def test_cli_steps_through_the_chosen_example(cli):
    code, out, _ = cli("steps", "--dataset", "xor", "--layers", "2,3,1", "--example", "3", "--format", "json")
    assert code == 0
    import json

    document = json.loads(out)
    assert document["inputs"] == [1.0, 0.0] and document["targets"] == [1.0]
    assert (document["example"], document["examples"]) == (3, 4)
    code, _, err = cli("steps", "--dataset", "xor", "--example", "5")
    assert code == 2 and "--example: choose an example from 1 to 4 (got '5')" in err
    code, out, _ = cli("handout", "--dataset", "nand", "--example", "4", "--format", "markdown")
    assert code == 0 and "1" in out


def test_cli_without_dataset_is_unchanged(cli):
    code, out, _ = cli("steps", "--format", "json")
    assert code == 0 and '"inputs": [\n    0.05,\n    0.1\n  ]' in out


def test_choose_gives_a_built_in_dataset_or_reads_a_table():
    assert choose("xor").name == "xor" and choose("xor").examples == 4
    table = choose("table", "1,2,3,0.5\n4,5,6,0.25", n_inputs="3")
    assert table.name == "table" and table.inputs.shape == (2, 3) and table.targets.tolist() == [[0.5], [0.25]]
    for args, field in (
        (("parity",), "Dataset"),
        (("table", "1,2,3", 0), "Inputs"),
        (("table", None, 2), "Table"),
        (("table", "1,2,x", 2), "Table row 1, column 3"),
    ):
        with pytest.raises(InputError) as caught:
            choose(*args)
        assert caught.value.field == field


def test_identify_names_a_built_in_dataset_by_its_examples():
    for name in NAMES[:-1]:
        data = dataset(name)
        assert identify(data.inputs, data.targets) == name
    xor = dataset("xor")
    assert identify(xor.inputs[:3], xor.targets[:3]) == "table"  # three of its four rows
    assert identify(xor.inputs, 1 - xor.targets) == "table"  # xnor: not built in
    assert identify(np.array([[0.05, 0.1]]), np.array([[0.01, 0.99, 0.5]])) == "table"


def test_the_three_class_dataset_is_fixed_one_hot_and_learnable():
    from explorer.engine.datasets import accuracy
    from explorer.engine.presets import random_network
    from explorer.engine.training import train

    data = dataset("three-class")
    assert data.inputs.shape == (15, 2) and data.targets.shape == (15, 3)
    assert data.targets.sum(axis=1).tolist() == [1.0] * 15
    assert data.targets.sum(axis=0).tolist() == [5.0, 5.0, 5.0]
    assert data.inputs[0].tolist() == [0.2, 0.2] and data.inputs[10].tolist() == [0.5, 0.8]
    network = random_network((2, 3, 3), seed=0, activations=["sigmoid", "softmax"], loss="cce")
    trained = train(network, data.inputs, data.targets, 100).network
    assert accuracy(trained.forward(data.inputs).output, data.targets) == 1.0
    assert accuracy(network.forward(data.inputs).output, data.targets) < 1.0


def test_accuracy_counts_the_largest_output_or_the_side_of_one_half():
    from explorer.engine.datasets import accuracy

    assert accuracy(np.array([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]]), np.array([[0, 1, 0], [0, 0, 1.0]])) == 0.5
    assert accuracy(np.array([[0.7], [0.4], [0.6]]), np.array([[1.0], [0.0], [0.0]])) == pytest.approx(2 / 3)


def test_a_table_file_is_utf8_text_of_limited_size():
    assert table_text(b"0,0,0\n1,1,1\n") == "0,0,0\n1,1,1\n"
    assert table_text("\ufeff0;5".encode()) == "0;5"  # a spreadsheet's byte-order mark is dropped
    assert table_text(b"x" * MAX_TABLE_BYTES) == "x" * MAX_TABLE_BYTES
    for data, reason in (
        (b"x" * (MAX_TABLE_BYTES + 1), "File: a table file may have at most 200 kB (got more)"),
        (b"0,0,\xff\n", "File: byte 5 is not UTF-8 text: save the table as CSV (UTF-8)"),
        ("0,0,1".encode("utf-16"), "File: byte 1 is not UTF-8 text"),
        (b"PK\x03\x04\x00\x00", "File: the file holds a NUL character"),
    ):
        with pytest.raises(InputError) as caught:
            table_text(data, "File")
        assert str(caught.value).startswith(reason)


def test_a_table_written_as_csv_reads_back_exactly():
    data = parse_table("0.1, 1e-7, 0.3333333333333333\n-2, 0, 99.99", 2)
    text = data.to_csv()
    assert text == "0.1,1e-07,0.3333333333333333\n-2,0,99.99\n"
    again = parse_table(table_text(text.encode()), 2)
    assert again.inputs.tobytes() == data.inputs.tobytes() and again.targets.tobytes() == data.targets.tobytes()
    seed = dataset("seed")
    assert seed.to_csv() == "0.05,0.1,0.01,0.99\n"


def test_cli_table_file_is_read_as_the_panel_reads_it(cli, tmp_path):
    table = tmp_path / "examples.csv"
    table.write_bytes("\ufeff0,0,0\r\n0,1,1\r\n".encode())  # as spreadsheets write CSV (UTF-8)
    code, out, err = cli("train", "--dataset", "table", "--table", str(table), "--layers", "2,2,1", "--iterations", "2")
    assert (code, err) == (0, "") and "example 2 (i1 0, i2 1)" in out
    for data, reason in ((b"0,0,\xff\n", "--table: byte 5 is not UTF-8 text"), (b"1," * 150_000, "at most 200 kB")):
        table.write_bytes(data)
        code, out, err = cli("train", "--dataset", "table", "--table", str(table), "--layers", "2,2,1")
        assert code == 2 and out == "" and err.count("\n") == 1 and reason in err


def test_a_header_row_of_column_names_is_skipped_and_rows_keep_their_file_numbers():
    data = parse_table("x1, x2, target\n0,0,0\n0,1,1\n", 2)
    assert data.examples == 2 and data.n_outputs == 1 and data.targets[1, 0] == 1.0
    with pytest.raises(InputError, match="table row 3, column 2"):  # the file's third line
        parse_table("x1,x2,y\n0,0,0\n1,?,1", 2, 1)
    with pytest.raises(InputError, match="enter at least one row"):
        parse_table("x1,x2,y\n", 2, 1)


@pytest.mark.parametrize("first", ["x1,0,1", "1e400,1e400,1e400", "nan,inf,x", "x,,y"])
def test_a_first_row_with_any_number_or_blank_is_data_and_checked(first):
    with pytest.raises(InputError, match="row 1"):
        parse_table(f"{first}\n0,0,0", 2, 1)


@pytest.mark.parametrize(
    "text",
    [
        "0.1, 0.2, 1\n-3, 4.25, 0",
        "0.1, 0.2, 1\n-3, 1e-2, 0",  # one cell for the full parser: all read the same
        "0.1, 0.2, 1\n-3, abc, 0",
        "0.1, 0.2, 1\n-3, nan, 0",
        "0.1, 0.2, 1\n-3, 100.5, 0",
        "a, b, c\n0.1, -0, 1",
    ],
)
def test_a_table_read_quickly_is_read_as_cell_by_cell(text, monkeypatch):
    def read():
        try:
            data = parse_table(text, 2)
        except InputError as error:
            return str(error)
        return data.inputs.tolist(), data.targets.tolist(), np.signbit(data.inputs).tolist()

    fast = read()
    monkeypatch.setattr("explorer.engine.validation.quick_number", lambda text, limit=100.0: None)
    assert read() == fast

"""Text no number field accepts, and how long a refusal may be: shared by the fuzz and quiz tests."""

#: a message is its field, what the field accepts and at most 40 characters of the input
LONGEST_MESSAGE = 260
MEGABYTE = "7" * 1_000_000

#: Text no number field accepts, with every class of fault in it.
BAD_TEXT = [
    "",
    "   ",
    "abc",
    "2*3",
    "1,5",
    "1.2.3",
    "0x10",
    "1e",
    ".",
    "-",
    "+",
    "--1",
    "1 2",
    "1_0",
    "nan",
    "NaN",
    "-nan",
    "inf",
    "-inf",
    "Infinity",
    "1e999",
    "-1e999",
    "\u00b2",
    "\u0661",
    "\u2460",
    "\uff11",
    "1\u00b2",
    "\u00bd",
    "\u0967\u0966",  # digit-like Unicode
    "1e-400",
    "-1e-400",
    "0.1e-330",  # underflow to zero
    "101",
    "-100.0001",
    "1e3",
    "9" * 5000,
    "-" + "9" * 400,  # out of range, very long
    MEGABYTE,
    "x" * 100_000,
    "\x00",
    "\u202e1",
    "<b>1</b>",
    "__import__('os')",
    "1;2",
    "[1]",
]

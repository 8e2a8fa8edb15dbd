"""The files view, headless: the handout's link, the session file's link, links cleared as the session moves.

Round trips of whole panels through saved files are tested with the save
file (tests/lesson/test_savefile.py); here, what this row shows.
"""

from __future__ import annotations

import base64
import datetime
import re

import pytest

from explorer.drawing.handout import handout

NOW = datetime.datetime.now(datetime.timezone.utc)
pytestmark = pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")


def link(html: str) -> tuple[str, bytes]:
    name = re.search(r'download="([^"]+)"', html).group(1)
    data = re.search(r"base64,([^\"]+)", html).group(1)
    return name, base64.b64decode(data)


def test_export_makes_a_link_to_this_iterations_handout(panel):
    files = panel.files
    files.handout_format.value = "markdown"
    files.export_button.click()
    name, data = link(files.handout_link.value)
    assert name.endswith(".md") and data.decode() == handout(panel.session.walk, "markdown", quiz=False)
    files.quiz.value = True  # another kind of handout: the old link goes
    assert files.handout_link.value == ""


def test_a_link_goes_as_soon_as_the_session_moves_on(panel):
    files = panel.files
    files.export_button.click()
    files.save_button.click()
    assert files.handout_link.value and "step 0, iteration 1" in files.save_link.value
    panel.stepping.next_button.click()
    assert files.handout_link.value == "" and files.save_link.value == ""


def test_a_refused_file_says_why_in_the_message_line(panel):
    panel.files.upload.value = (
        {"name": "x.json", "type": "", "size": 1, "content": memoryview(b"{"), "last_modified": NOW},
    )
    assert panel.message.kind == "error" and "cut short" in panel.message.value
    assert panel.files.upload.value == ()

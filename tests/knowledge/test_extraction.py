"""Text is extracted from each accepted type of file, judged by its content."""

import pytest

from realise.knowledge.extract import detect_type, extract_text
from tests.knowledge.makers import MAKERS

PHRASE = "Tyre framework saved 412000 pounds"


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_each_accepted_type_is_recognised_and_its_text_extracted(name):
    data = MAKERS[name](PHRASE)
    file_type = detect_type(data, name)
    assert file_type.code == name.rsplit(".", 1)[1]
    text = extract_text(file_type, data)
    assert PHRASE in " ".join(text.split())


def test_text_with_a_byte_order_mark_is_read():
    data = "\ufeffVetting backlog fell by a third".encode()
    assert extract_text(detect_type(data, "notes.txt"), data) == "Vetting backlog fell by a third"

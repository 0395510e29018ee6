"""The collaborations list searched for words nothing matches says so, rather than that
there are no collaborations yet."""

import html


def test_a_search_that_finds_nothing_says_so(client, world):
    client.force_login(world.alice)
    page = html.unescape(client.get("/collaborations/?q=Gwasanaeth ŵyr O'Neill").content.decode())
    assert "No collaborations match “Gwasanaeth ŵyr O'Neill”." in page
    assert "No collaborations yet." not in page
    found = html.unescape(client.get("/collaborations/?q=serious crime").content.decode())
    assert "Essex and Kent Serious Crime" in found


def test_the_words_are_shown_as_text(client, world):
    client.force_login(world.alice)
    page = client.get("/collaborations/?q=<b>bold</b>").content.decode()
    assert "No collaborations match “&lt;b&gt;bold&lt;/b&gt;”." in page

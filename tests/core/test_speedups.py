"""The test processes reuse the frames' stack chunks (tests/speedups/stack_chunks.c) once
`make test` has built it, and code that crosses a chunk's edge still runs as it should."""

import importlib
import shutil

import pytest

from tests import speedups


def _depth(n: int) -> int:
    return 0 if n == 0 else _depth(n - 1) + 1


@pytest.mark.skipif(
    not (shutil.which("cc") or shutil.which("gcc")), reason="needs a C compiler to build"
)
def test_the_stack_chunks_are_built_installed_and_reused():
    speedups.build()
    assert speedups.built_file().exists()
    assert speedups.install() is True
    module = importlib.import_module(speedups.NAME)
    # Deep enough to need a second chunk of the data stack, then back: the chunk is kept.
    for depth in (300, 10, 600, 10, 300):
        assert _depth(depth) == depth
    assert module.kept_blocks() >= 1

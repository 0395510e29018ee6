"""Build the speed-ups: `python -m tests.speedups`."""

from tests.speedups import build

print(build())

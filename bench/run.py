"""Run the benchmarks: every script in bench/ (except this one), one after another.

    .venv/bin/python bench/run.py                       # all of them
    .venv/bin/python bench/run.py --only register       # bench/register.py alone
    .venv/bin/python bench/run.py --only register -- --benefits 3000

Arguments after `--` are passed to each script run. A new benchmark is a new script here
with a `--help`; it joins `make bench` by being in this folder.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Scripts here that are not benchmarks but tools they use (the synthetic data generator).
HELPERS = {"generate"}


def scripts() -> list[Path]:
    return sorted(
        path
        for path in HERE.glob("*.py")
        if path.name != Path(__file__).name
        and not path.name.startswith("_")
        and path.stem not in HELPERS
    )


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1 :]
        argv = argv[: argv.index("--")]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="run only this script (repeatable)")
    args = parser.parse_args(argv)
    chosen = scripts()
    if args.only:
        names = {name.removesuffix(".py") for name in args.only}
        unknown = names - {path.stem for path in chosen}
        if unknown:
            parser.error(f"no benchmark called {', '.join(sorted(unknown))}")
        chosen = [path for path in chosen if path.stem in names]
    failed = 0
    for path in chosen:
        print(f"== {path.stem} ==", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(path), *extra])
        print(
            f"== {path.stem}: {'ok' if code == 0 else f'exit {code}'} in "
            f"{time.perf_counter() - started:.0f} s ==\n",
            flush=True,
        )
        failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

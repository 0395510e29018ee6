"""Speed-ups for the test processes that need a C compiler: `python -m tests.speedups`
(run by `make test`) builds each into var/speedups/, and tests/conftest.py installs them
when they have been built. Where no compiler is at hand the tests run without them.

* stack_chunks.c: the frames' stack chunks are reused rather than handed back to the system
  and asked for again at every crossing of a chunk's edge (see the file).
"""

import importlib
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

SOURCE = Path(__file__).resolve().parent / "stack_chunks.c"
BUILT = Path(__file__).resolve().parents[2] / "var" / "speedups"
NAME = "stack_chunks"


def built_file() -> Path:
    return BUILT / f"{NAME}{sysconfig.get_config_var('EXT_SUFFIX') or '.so'}"


def build() -> str:
    """Build the module unless it is newer than its source; says what it did."""
    target = built_file()
    if target.exists() and target.stat().st_mtime >= SOURCE.stat().st_mtime:
        return f"{target} is up to date"
    compiler = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        return "no C compiler: the tests run without the speed-ups"
    BUILT.mkdir(parents=True, exist_ok=True)
    include = sysconfig.get_paths()["include"]
    command = [compiler, "-O2", "-shared", "-fPIC", "-I", include, str(SOURCE), "-o", str(target)]
    # The compiler and paths come from the environment and this checkout, not from input.
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        return f"not built ({done.stderr.strip()[:300]}): the tests run without the speed-ups"
    return f"built {target}"


def install() -> bool:
    """Reuse the frames' stack chunks in this process; False when not built."""
    if not built_file().exists():
        return False
    sys.path.insert(0, str(BUILT))
    try:
        module = importlib.import_module(NAME)
    except ImportError:
        return False
    finally:
        sys.path.remove(str(BUILT))
    module.install()
    return True

"""Running a command so that file permissions apply to it, also when the tests run as root."""

from __future__ import annotations

import os
import shutil

import pytest


def unprivileged(argv: list[str]) -> list[str]:
    """``argv`` run so that file permissions apply to it. Root ignores them through its
    DAC capabilities: as root the command runs without them (``setpriv``), still as root,
    so it can read the venv under /root but cannot write a 0444 file or a 0555 folder."""
    if os.geteuid() != 0:
        return argv
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot drop the DAC capabilities")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", *argv]

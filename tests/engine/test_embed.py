"""The bundled model's token table, read from a real safetensors file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from bot.engine.embed import mapped_tensor


def test_mapped_tensor_reads_what_safetensors_wrote(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    half = np.arange(24, dtype=np.float16).reshape(6, 4)
    full = np.linspace(-1, 1, 10, dtype=np.float32).reshape(5, 2)
    save_file({"embedding.weight": half, "other": full}, str(path))
    got = mapped_tensor(path, "embedding.weight")
    assert isinstance(got, np.memmap) and got.dtype == np.float16
    assert np.array_equal(got, half) and np.array_equal(got[[4, 1]], half[[4, 1]])
    assert np.array_equal(mapped_tensor(path, "other"), full)


def test_mapped_tensor_leaves_other_dtypes_to_safetensors(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    ints = np.arange(6, dtype=np.int32).reshape(3, 2)
    save_file({"ids": ints}, str(path))
    got = mapped_tensor(path, "ids")
    assert not isinstance(got, np.memmap) and np.array_equal(got, ints)


def test_mapped_tensor_refuses_a_header_that_does_not_fit_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    save_file({"embedding.weight": np.zeros((4, 4), dtype=np.float16)}, str(path))
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b"[4,4]", b"[4,5]"))
    with pytest.raises(ValueError, match="bytes for shape"):
        mapped_tensor(path, "embedding.weight")

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


def test_a_local_model_folder_is_read_in_place(tmp_path: Path) -> None:
    """``engine.model_path``: a model2vec-style folder (tokenizer.json + model.safetensors);
    a text's vector is the mean of its tokens' rows, the table read from the file as needed."""
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace

    from bot.engine.embed import StaticEmbedder, load_embedder

    tokenizer = Tokenizer(WordLevel({"[UNK]": 0, "hello": 1, "world": 2}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = Whitespace()
    tokenizer.save(str(tmp_path / "tokenizer.json"))
    table = np.array([[0, 0, 0, 1], [1, 0, 0, 0], [0, 3, 0, 0]], dtype=np.float32)
    save_file({"embeddings": table}, str(tmp_path / "model.safetensors"), metadata={"a": "b"})
    embedder = load_embedder(tmp_path)
    assert isinstance(embedder, StaticEmbedder)
    assert isinstance(embedder._vectors, np.memmap)
    got = embedder.embed(["hello world", "world", "nothing here"])
    mean = (table[1] + table[2]) / 2
    assert np.allclose(got[0], mean / np.linalg.norm(mean))
    assert np.allclose(got[1], [0, 1, 0, 0]) and np.allclose(got[2], [0, 0, 0, 1])

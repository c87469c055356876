"""Sentence embeddings behind one small interface, so the model can be swapped and tests can
use a tiny fake.

The default is wordllama's ``l2_supercat`` 256-dimension static model, which ships *inside*
the wordllama wheel: it is loaded from the installed package folder and nothing is ever
downloaded. ``model_path`` may name another LOCAL model folder in the model2vec layout
(``tokenizer.json`` + ``model.safetensors``), e.g. one an admin downloaded.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from tokenizers import Encoding

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Texts -> one L2-normalised float32 row per text (cosine similarity = dot product)."""

    @property
    def name(self) -> str:
        """Identifies the model (part of the trained-model cache key)."""
        ...

    def embed(self, texts: Sequence[str]) -> Vectors: ...


def whole_words(embedder: Embedder) -> frozenset[str]:
    """Lower-case words the model's tokenizer has a token of their own for ("were", "status",
    "policy"): real words, which the normaliser never "corrects" into a knowledge word
    (bot/engine/normalize.py). Empty for a model that does not say (a test's fake)."""
    words = getattr(embedder, "whole_words", None)
    return frozenset(words()) if callable(words) else frozenset()


def tokenizer_words(vocabulary: Iterable[str]) -> frozenset[str]:
    """Whole words of a tokenizer vocabulary: SentencePiece ("\u2581word") and byte-level BPE
    ("\u0120word") mark a word's start; a WordPiece vocabulary marks its continuations
    ("##ing") and its plain entries are words."""
    tokens = list(vocabulary)
    marked = [t[1:] for t in tokens if t[:1] in ("\u2581", "\u0120")]
    words = marked or [t for t in tokens if not t.startswith("##")]
    return frozenset(w for w in words if w.isalpha() and w.islower())


def _normalised(vectors: npt.NDArray[np.floating]) -> Vectors:
    out = np.nan_to_num(np.asarray(vectors, dtype=np.float32))
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.asarray(out / np.maximum(norms, 1e-9), dtype=np.float32)


def _token_means(
    encoded: Sequence[Encoding], vectors: npt.NDArray[np.floating], *, clip: bool
) -> Vectors:
    """Each text's vector: the mean of its tokens' rows of ``vectors`` (padding left out),
    L2-normalised. A token id past the table is the last row (``clip``) or left out."""
    out = np.zeros((len(encoded), vectors.shape[1]), dtype=np.float32)
    last = len(vectors) - 1
    for i, enc in enumerate(encoded):
        ids = np.asarray(enc.ids, dtype=np.int64)
        if len(encoded) > 1:  # a batch may be padded to its longest text
            ids = ids[np.asarray(enc.attention_mask, dtype=bool)]
        ids = np.minimum(ids, last) if clip else ids[ids <= last]
        if len(ids):
            out[i] = vectors[ids].astype(np.float32).mean(axis=0)
    return _normalised(out)


MODEL = "l2_supercat_256"
TOKENIZER = "l2_supercat_tokenizer_config"
TENSOR = "embedding.weight"


_DTYPES = {"F16": np.float16, "F32": np.float32}


def mapped_tensor(path: Path, name: str | None = None) -> npt.NDArray[np.floating]:
    """Tensor ``name`` of a safetensors file (None: its first, as safetensors lists them),
    memory-mapped read-only: a question reads only its tokens' rows, so the rest of a token
    table never takes resident memory (about 10 MB less RSS in the running bot than a copy
    of the bundled model's). Anything but a plain tensor of a known dtype is read whole by
    safetensors itself."""
    import json
    import struct

    with path.open("rb") as fh:
        (size,) = struct.unpack("<Q", fh.read(8))
        header = json.loads(fh.read(size))
    if name is None:
        name = next(k for k in header if k != "__metadata__")
    info = header.get(name)
    dtype = _DTYPES.get(info.get("dtype", "")) if isinstance(info, dict) else None
    if dtype is None:
        from safetensors.numpy import load_file

        return np.asarray(load_file(str(path))[name])
    start, end = info["data_offsets"]
    shape = tuple(info["shape"])
    if (end - start) != int(np.prod(shape)) * np.dtype(dtype).itemsize:
        raise ValueError(f"{path}: {name} has {end - start} bytes for shape {shape}")
    return np.memmap(path, dtype=dtype, mode="r", offset=8 + size + start, shape=shape)


class WordLlamaEmbedder:
    """wordllama's bundled model, loaded offline from the installed package.

    A text's vector is wordllama's: the mean of its tokens' vectors (no special tokens). The
    token vectors are the file's half precision, memory-mapped (``mapped_tensor``), rather than
    the float32 copy wordllama makes (32 MB); each question's few rows are widened when it is
    asked."""

    def __init__(self) -> None:
        import importlib.util
        from importlib.metadata import version

        spec = importlib.util.find_spec("wordllama")  # found, not imported
        if spec is None or spec.origin is None:
            raise ModuleNotFoundError("wordllama is not installed", name="wordllama")
        package = Path(spec.origin).resolve().parent
        weights = package / "weights" / f"{MODEL}.safetensors"
        tokenizer = package / "tokenizers" / f"{TOKENIZER}.json"
        if weights.is_file() and tokenizer.is_file():
            # The two files the wheel ships, read as WordLlama.load reads them: without
            # importing wordllama or its float32 copy of the vectors (32 MB at start; 3 MB
            # less RSS in the running bot).
            from tokenizers import Tokenizer

            self._vectors = mapped_tensor(weights, TENSOR)
            self._tokenizer = Tokenizer.from_file(str(tokenizer))
            self._tokenizer.enable_padding()
            self._tokenizer.no_truncation()
        else:  # another layout: wordllama's own loader (0.4.0 needs the package folder)
            from wordllama import WordLlama

            model = WordLlama.load(cache_dir=package, disable_download=True)
            self._tokenizer = model.tokenizer
            self._vectors = np.asarray(model.embedding, dtype=np.float16)
            del model  # wordllama's float32 copy goes with it
        self.name = f"wordllama-{version('wordllama')}-l2_supercat-256"
        self._whole_words: frozenset[str] | None = None

    def whole_words(self) -> frozenset[str]:
        # Read once per model (14 ms): every engine build, reload and teach asks again.
        if self._whole_words is None:
            self._whole_words = tokenizer_words(self._tokenizer.get_vocab())
        return self._whole_words

    def embed(self, texts: Sequence[str]) -> Vectors:
        vectors = self._vectors
        if not texts:
            return np.zeros((0, vectors.shape[1]), dtype=np.float32)
        # An empty text has a zero vector: "_" stands in, as wordllama would divide by zero.
        encoded = self._tokenizer.encode_batch(
            [t if t.strip() else "_" for t in texts], add_special_tokens=False
        )
        return _token_means(encoded, vectors, clip=True)  # wordllama clips unknown ids


class StaticEmbedder:
    """A model2vec-style folder: ``tokenizer.json`` and ``model.safetensors`` (token vectors);
    a text's vector is the mean of its tokens' vectors."""

    def __init__(self, folder: Path) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._vectors = mapped_tensor(folder / "model.safetensors")  # rows widened when asked
        self.name = f"static-{folder.resolve()}"
        self._whole_words: frozenset[str] | None = None

    def whole_words(self) -> frozenset[str]:
        if self._whole_words is None:
            self._whole_words = tokenizer_words(self._tokenizer.get_vocab())
        return self._whole_words

    def embed(self, texts: Sequence[str]) -> Vectors:
        encoded = self._tokenizer.encode_batch(list(texts))
        return _token_means(encoded, self._vectors, clip=False)


@functools.cache
def default_embedder() -> WordLlamaEmbedder:
    """The bundled model, loaded once per process on first use (never at import)."""
    return WordLlamaEmbedder()


def load_embedder(model_path: Path | None) -> Embedder:
    """The configured local model folder, else the bundled wordllama model."""
    if model_path is None:
        return default_embedder()
    return StaticEmbedder(Path(model_path))

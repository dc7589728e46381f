"""Speaker embeddings: the CAM++ network (ONNX) behind the numpy Kaldi front end."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from app.errors import ModelDamaged, ModelMissing
from app.paths import resource
from app.speakers.fbank import N_MELS, SAMPLE_RATE, frame_count, normalised_fbank

#: Shorter clips carry too little of a voice to embed (and the network needs a few frames).
MIN_SAMPLES = int(0.4 * SAMPLE_RATE)
MIN_FRAMES = frame_count(MIN_SAMPLES)
_NO_FRAMES = np.zeros((0, N_MELS), dtype=np.float32)


def model_path() -> Path:
    return resource("speaker", "campplus.onnx")


class Embedder:
    """Turns clips of 16 kHz mono audio into unit-length voice vectors.

    The ONNX session is made on first use (loading takes about a second) and shared; one
    intra-op thread measured faster than two on a two-core laptop and leaves a core free.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or model_path()
        self._session = None
        self._lock = threading.Lock()

    def _ensure(self):
        with self._lock:
            if self._session is None:
                if not self.path.is_file():
                    raise ModelMissing(
                        f"The voice model {self.path.name} is missing.",
                        "Reinstall the app: the voice model ships with it.",
                    )
                import onnxruntime as ort

                options = ort.SessionOptions()
                options.intra_op_num_threads = 1
                options.inter_op_num_threads = 1
                options.log_severity_level = 3
                try:
                    self._session = ort.InferenceSession(
                        str(self.path), options, providers=["CPUExecutionProvider"]
                    )
                except Exception as exc:  # onnxruntime raises its own kinds for a bad file
                    raise ModelDamaged(
                        f"The voice model {self.path.name} cannot be loaded ({exc}).",
                        "Reinstall the app: the voice model ships with it.",
                    ) from exc
            return self._session

    def embed(self, clips: Sequence[np.ndarray]) -> np.ndarray:
        """(len(clips), 192) unit vectors of 16 kHz mono clips (zeros for too short ones)."""
        return self.embed_features(
            [normalised_fbank(c) if len(c) >= MIN_SAMPLES else _NO_FRAMES for c in clips]
        )

    def embed_features(self, features: Sequence[np.ndarray]) -> np.ndarray:
        """Unit vectors of mean-normalised fbank features; equal lengths run as one batch."""
        session = self._ensure()
        out = np.zeros((len(features), 192), dtype=np.float32)
        by_length: dict[int, list[int]] = {}
        for i, feats in enumerate(features):
            by_length.setdefault(len(feats), []).append(i)
        for length, members in by_length.items():
            if length < MIN_FRAMES:
                continue
            for start in range(0, len(members), 16):
                batch = members[start : start + 16]
                stacked = np.stack([features[i] for i in batch]).astype(np.float32)
                out[batch] = session.run(None, {"feats": stacked})[0]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)

    def embed_one(self, clip: np.ndarray) -> np.ndarray:
        return self.embed([clip])[0]

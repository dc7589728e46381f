"""Audio inputs: list them, and turn a user's ``--device`` (index or name) into one.

``sounddevice`` is imported only when needed: PortAudio reads the ALSA/PulseAudio configuration
once, at import, so importing it at module load would freeze whatever environment the process
had then (and would make every ``app`` import pay for PortAudio).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Protocol

from app.errors import Action, NoInputDevice

log = logging.getLogger(__name__)


class InputStreamLike(Protocol):
    """The part of ``sounddevice.InputStream`` the recorder uses (tests pass fakes)."""

    @property
    def active(self) -> bool: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


#: Called like ``sounddevice.InputStream(device=, samplerate=, channels=, dtype=, latency=,
#: callback=)``.
StreamFactory = Callable[..., InputStreamLike]


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    hostapi: str
    channels: int  # the most input channels the device offers
    default_samplerate: float
    is_default: bool = False

    def describe(self) -> str:
        mark = "*" if self.is_default else " "
        return (
            f"{mark} {self.index:>3}  {self.name} ({self.hostapi}, {self.channels} ch, "
            f"{self.default_samplerate:g} Hz)"
        )


def sounddevice_module() -> ModuleType:
    """Import sounddevice, turning a missing PortAudio into an error the user can act on."""
    try:
        import sounddevice
    except OSError as exc:  # sounddevice raises OSError when libportaudio cannot be loaded
        raise NoInputDevice(
            "The sound library this app records with (PortAudio) is not installed.",
            "Install it (Debian/Ubuntu: sudo apt install libportaudio2) and try again.",
            ui_hint="Reinstall Buddy Interviews, or ask whoever looks after this computer to "
            "install PortAudio.",
            action=Action.NONE,
            details=str(exc),
        ) from exc
    return sounddevice


def list_inputs(sd: ModuleType | None = None) -> list[InputDevice]:
    """Every device that can record, in PortAudio's order; the system default is marked."""
    sd = sd or sounddevice_module()
    try:
        raw_devices = sd.query_devices()
        hostapis = sd.query_hostapis()
        default_in = sd.default.device[0]
    except sd.PortAudioError as exc:
        raise NoInputDevice(
            "The list of sound devices cannot be read.", details=f"{type(exc).__name__}: {exc}"
        ) from exc
    if default_in is None or default_in < 0:
        # Some setups report no system default; fall back to the host API's own default.
        default_in = next(
            (h["default_input_device"] for h in hostapis if h["default_input_device"] >= 0), -1
        )
    found = []
    for raw in raw_devices:
        if raw["max_input_channels"] < 1:
            continue
        found.append(
            InputDevice(
                index=int(raw["index"]),
                name=str(raw["name"]),
                hostapi=str(hostapis[raw["hostapi"]]["name"]),
                channels=int(raw["max_input_channels"]),
                default_samplerate=float(raw["default_samplerate"]),
                is_default=int(raw["index"]) == default_in,
            )
        )
    return found


def describe_inputs(devices: Sequence[InputDevice]) -> str:
    if not devices:
        return "No microphone or other input was found."
    return "Inputs found (* = default):\n" + "\n".join(d.describe() for d in devices)


def resolve(spec: str | int | None, devices: Sequence[InputDevice]) -> InputDevice:
    """The device named by ``spec``: an index, a name, or a case-insensitive part of a name.

    ``None`` or an empty string means the system default (or the first input if the system
    names none). Raises ``NoInputDevice`` listing what exists when nothing matches.
    """
    if not devices:
        raise NoInputDevice("No microphone or other input was found.")
    text = "" if spec is None else str(spec).strip()
    if not text:
        return next((d for d in devices if d.is_default), devices[0])
    if text.isdigit():
        by_index = [d for d in devices if d.index == int(text)]
        if by_index:
            return by_index[0]
        raise NoInputDevice(
            f"There is no input with number {text}.", details=describe_inputs(devices)
        )
    wanted = text.casefold()
    exact = [d for d in devices if d.name.casefold() == wanted]
    matches = exact or [d for d in devices if wanted in d.name.casefold()]
    if not matches:
        raise NoInputDevice(f"No input is called '{text}'.", details=describe_inputs(devices))
    if len({d.name for d in matches}) > 1:
        raise NoInputDevice(
            f"'{text}' matches several inputs: {', '.join(d.name for d in matches)}.",
            "Give more of the name, or the number shown by 'buddy-interviews devices'.",
            ui_hint="Choose one of them in Settings.",
            details=describe_inputs(devices),
        )
    # The same device is often listed once per host API (e.g. MME, WASAPI on Windows): take the
    # one on the default input's host API, where the system routes sound by default.
    default_api = next((d.hostapi for d in devices if d.is_default), None)
    return next((d for d in matches if d.hostapi == default_api), matches[0])


def find_input(spec: str | int | None = None) -> InputDevice:
    """Resolve ``spec`` against the devices present now."""
    return resolve(spec, list_inputs())


def close_stream(stream: InputStreamLike, *, timeout_s: float) -> bool:
    """Stop and close ``stream``, giving up after ``timeout_s``: a stream whose device has
    vanished may never return from stop(), and that must not hang the app. True if closed."""

    def close() -> None:
        try:
            stream.stop()
        except Exception as exc:
            log.debug("Stopping the stream: %s", exc)
        try:
            stream.close()
        except Exception as exc:
            log.debug("Closing the stream: %s", exc)

    closer = threading.Thread(target=close, name="stream-close", daemon=True)
    closer.start()
    closer.join(timeout_s)
    if closer.is_alive():
        log.warning("The input stream did not close within %s s", timeout_s)
        return False
    return True

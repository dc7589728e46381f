"""Playback of an interview's audio for the transcript editor.

A thin layer over QMediaPlayer + QAudioOutput that speaks seconds instead of milliseconds and
turns every way playback can fail into one ``failed`` signal carrying a ``BuddyError``.

Qt's FFmpeg backend happily "plays" with no sound device at all (the clock runs, nothing is
heard, and it only logs "No audio device detected"). A user would then watch the highlight
move in silence without knowing why, so we check for an output device ourselves and refuse
to play, with a message saying what to do, when there is none.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer

from app.errors import BuddyError

MIN_RATE = 0.75
MAX_RATE = 1.5
RATES: tuple[float, ...] = (0.75, 1.0, 1.25, 1.5)
SKIP_S = 5.0


class PlaybackUnavailable(BuddyError):
    """Playback cannot happen (no output device, missing or unreadable file).

    Belongs in app/errors.py once the core owns playback errors; kept here because only the
    desktop app plays audio.
    """

    default_hint = "You can keep editing the transcript without sound."


NO_DEVICE = PlaybackUnavailable(
    "No sound output was found, so the recording cannot be played.",
    "Connect speakers or headphones (or turn the sound on), then press Play again. "
    "You can keep editing the transcript without sound.",
)


class Player(QObject):
    """Plays one audio file; positions and durations are in seconds."""

    #: Current playback position, in seconds (also emitted after a seek while paused).
    position_changed = Signal(float)
    #: True when playback starts, False when it pauses or stops.
    playing_changed = Signal(bool)
    #: The playback speed now in effect (0.75..1.5).
    rate_changed = Signal(float)
    #: A ``PlaybackUnavailable`` saying why nothing can be heard and what to do.
    failed = Signal(object)
    #: The end of the file was reached (the editor may go on into the next take).
    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Created on first use: an editor that is never played needs no media backend.
        self._player: QMediaPlayer | None = None
        self._output: QAudioOutput | None = None
        self._devices: QMediaDevices | None = None
        self._source: Path | None = None
        self._rate = 1.0
        self._pending_seek_s: float | None = None
        self._play_when_loaded = False

    # -- state --------------------------------------------------------------------------

    @property
    def source(self) -> Path | None:
        return self._source

    @property
    def rate(self) -> float:
        return self._rate

    @property
    def is_playing(self) -> bool:
        return (
            self._player is not None
            and self._player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
        )

    def position(self) -> float:
        if self._pending_seek_s is not None:
            return self._pending_seek_s
        return self._player.position() / 1000 if self._player is not None else 0.0

    def duration(self) -> float:
        return self._player.duration() / 1000 if self._player is not None else 0.0

    @staticmethod
    def has_output_device() -> bool:
        return bool(QMediaDevices.audioOutputs())

    # -- commands -----------------------------------------------------------------------

    def set_source(self, path: Path | None) -> None:
        """Use ``path`` from now on (None: this interview has no audio)."""
        self.stop()
        self._source = path
        self._pending_seek_s = None
        if self._player is not None:
            self._player.setSource(QUrl.fromLocalFile(str(path)) if path else QUrl())

    def play_from(self, seconds: float) -> bool:
        """Start playing at ``seconds``; False (and ``failed`` emitted) if nothing can play."""
        if self._source is not None and self._source.is_file():
            # Seek even when nothing can be heard, so Play starts there once sound is back.
            self._ensure_player()
            self._seek(seconds)
        if not self._ready_to_play():
            return False
        self._start()
        return True

    def play(self) -> bool:
        if not self._ready_to_play():
            return False
        self._start()
        return True

    def pause(self) -> None:
        self._play_when_loaded = False
        if self._player is not None:
            self._player.pause()

    def stop(self) -> None:
        self._play_when_loaded = False
        if self._player is not None:
            self._player.stop()

    def toggle(self) -> bool:
        """Pause if playing, otherwise play; returns whether it is now (about to be) playing."""
        if self.is_playing or self._play_when_loaded:
            self.pause()
            return False
        return self.play()

    def skip(self, delta_s: float) -> None:
        """Move by ``delta_s`` seconds (negative: back), staying inside the recording."""
        if self._source is None:
            return
        self._ensure_player()
        target = max(0.0, self.position() + delta_s)
        if self.duration() > 0:
            target = min(target, self.duration())
        self._seek(target)

    def set_rate(self, rate: float) -> float:
        """Set the speed, clamped to 0.75..1.5; returns the speed in effect."""
        self._rate = min(MAX_RATE, max(MIN_RATE, float(rate)))
        if self._player is not None:
            self._player.setPlaybackRate(self._rate)
        self.rate_changed.emit(self._rate)
        return self._rate

    # -- internals ----------------------------------------------------------------------

    def _ready_to_play(self) -> bool:
        if self._source is None:
            self.failed.emit(
                PlaybackUnavailable(
                    "This interview has no recording to play.",
                    "Import or record the audio first; you can still edit the transcript.",
                )
            )
            return False
        if not self._source.is_file():
            self.failed.emit(
                PlaybackUnavailable(
                    f"The recording {self._source.name} is missing from the data folder.",
                    "Restore the file from a backup, or import the audio again.",
                )
            )
            return False
        if not self.has_output_device():
            self.failed.emit(NO_DEVICE)
            return False
        self._ensure_player()
        return True

    def _ensure_player(self) -> QMediaPlayer:
        if self._player is None:
            self._player = QMediaPlayer(self)
            self._output = QAudioOutput(self)
            self._player.setAudioOutput(self._output)
            self._player.setPlaybackRate(self._rate)
            self._player.positionChanged.connect(self._on_position)
            self._player.playbackStateChanged.connect(self._on_state)
            self._player.mediaStatusChanged.connect(self._on_status)
            self._player.errorOccurred.connect(self._on_error)
            self._devices = QMediaDevices(self)
            self._devices.audioOutputsChanged.connect(self._on_outputs_changed)
            if self._source is not None:
                self._player.setSource(QUrl.fromLocalFile(str(self._source)))
        return self._player

    def _loaded(self) -> bool:
        status = self._ensure_player().mediaStatus()
        return status not in (
            QMediaPlayer.MediaStatus.NoMedia,
            QMediaPlayer.MediaStatus.LoadingMedia,
        )

    def _seek(self, seconds: float) -> None:
        seconds = max(0.0, seconds)
        if self._loaded():
            self._ensure_player().setPosition(round(seconds * 1000))
        else:
            # A seek before the file is opened would be dropped by the backend.
            self._pending_seek_s = seconds
        self.position_changed.emit(seconds)

    def _start(self) -> None:
        if self._loaded():
            self._ensure_player().play()
        else:
            self._play_when_loaded = True

    def _on_status(self, status: QMediaPlayer.MediaStatus) -> None:
        player = self._ensure_player()
        if status == QMediaPlayer.MediaStatus.LoadedMedia:
            if self._pending_seek_s is not None:
                player.setPosition(round(self._pending_seek_s * 1000))
                self._pending_seek_s = None
            if self._play_when_loaded:
                self._play_when_loaded = False
                player.play()
        elif status == QMediaPlayer.MediaStatus.InvalidMedia:
            self._play_when_loaded = False
        elif status == QMediaPlayer.MediaStatus.EndOfMedia:
            self.finished.emit()

    def _on_position(self, ms: int) -> None:
        if self._pending_seek_s is None:
            self.position_changed.emit(ms / 1000)

    def _on_state(self, state: QMediaPlayer.PlaybackState) -> None:
        self.playing_changed.emit(state == QMediaPlayer.PlaybackState.PlayingState)

    def _on_error(self, _error: QMediaPlayer.Error, text: str) -> None:
        self._play_when_loaded = False
        name = self._source.name if self._source else "the recording"
        self.failed.emit(
            PlaybackUnavailable(
                f"{name} could not be played ({text or 'unknown reason'}).",
                "Check the file plays in another media player, or import the audio again. "
                "You can keep editing the transcript without sound.",
            )
        )

    def _on_outputs_changed(self) -> None:
        if self._output is None:
            return
        if not self.has_output_device():
            if self.is_playing:
                self.pause()
                self.failed.emit(NO_DEVICE)
            return
        # The output object stays bound to a vanished device unless told about the new one.
        self._output.setDevice(QMediaDevices.defaultAudioOutput())

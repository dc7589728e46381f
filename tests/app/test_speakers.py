"""Speakers by voice and channel: the front end, the model, word labels, samples and storage."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from app.audio.decode import load_audio, load_channels
from app.cli import main as cli_main
from app.errors import InvalidInput
from app.models import Segment, Word
from app.services import Services
from app.speakers.channels import channel_labels
from app.speakers.embed import Embedder, model_path
from app.speakers.fbank import N_MELS, fbank, frame_count
from app.speakers.take import rejoin
from app.speakers.words import apply_word_speakers, smooth

REFERENCE = Path(__file__).parent / "data" / "speaker_reference.npz"


def _seg(start: float, text: str, speaker: str = "A", step: float = 0.5) -> Segment:
    words = [Word(start + i * step, start + (i + 1) * step, w) for i, w in enumerate(text.split())]
    return Segment(words[0].start, words[-1].end, text, words, speaker=speaker, question_index=0)


# -- front end and model ---------------------------------------------------------------------


def test_fbank_frames_and_a_tone_lands_in_its_mel_bin() -> None:
    t = np.arange(16000) / 16000
    low = fbank(0.3 * np.sin(2 * np.pi * 300 * t))
    high = fbank(0.3 * np.sin(2 * np.pi * 3000 * t))
    assert low.shape == (frame_count(16000), N_MELS) == (98, 80)
    assert int(np.argmax(low.mean(axis=0))) < int(np.argmax(high.mean(axis=0)))
    # Log energies of int16-scaled audio: a loud tone peaks far above the float32 floor.
    assert low.max() > 15 and np.isfinite(low).all()
    assert fbank(np.zeros(100)).shape == (0, 80)


def test_shipped_model_and_numpy_front_end_match_the_torch_reference(testdata: Path) -> None:
    """The reference was computed by make_model.py with torch and torchaudio's Kaldi fbank."""
    assert model_path().is_file() and 13e6 < model_path().stat().st_size < 16e6
    reference = np.load(REFERENCE)["jfk_embedding"]
    jfk = load_audio(testdata / "jfk.wav")[: 3 * 16000]
    ours = Embedder().embed_one(jfk)
    cosine = float(ours @ reference / np.linalg.norm(reference))
    assert cosine >= 0.9999, cosine


def test_two_people_sound_apart_and_one_person_sounds_alike(testdata: Path) -> None:
    embedder = Embedder()
    a = load_audio(testdata / "conversation.enrol.interviewer.wav")
    b = load_audio(testdata / "conversation.enrol.interviewee.wav")
    va, va2, vb = embedder.embed([a[: 3 * 16000], a[-3 * 16000 :], b[: 3 * 16000]])
    assert va @ va2 > va @ vb + 0.2


def test_missing_or_damaged_model_is_a_clear_error(tmp_path: Path) -> None:
    from app.errors import ModelDamaged, ModelMissing

    with pytest.raises(ModelMissing, match="voice model"):
        Embedder(tmp_path / "nothing.onnx").embed([np.zeros(16000, dtype=np.float32)])
    damaged = tmp_path / "campplus.onnx"
    damaged.write_bytes(model_path().read_bytes()[:100_000])
    with pytest.raises(ModelDamaged, match="cannot be loaded"):
        Embedder(damaged).embed([np.zeros(16000, dtype=np.float32)])


# -- words -----------------------------------------------------------------------------------


def test_a_word_run_of_the_other_voice_becomes_its_own_segment() -> None:
    seg = _seg(10.0, "played lying down Lying down? Yes some children", speaker="Kieran")
    labels = [["Kieran"] * 3 + ["Ruth"] * 2 + ["Kieran", None, "Kieran"]]
    out = apply_word_speakers([seg], labels)
    assert [(s.speaker, s.text) for s in out] == [
        ("Kieran", "played lying down"),
        ("Ruth", "Lying down?"),
        ("Kieran", "Yes some children"),
    ]
    assert [s.position for s in out] == [0, 1, 2]
    assert out[1].start == 11.5 and out[1].end == 12.5 and out[1].question_index == 0
    assert seg.speaker == "Kieran" and len(seg.words) == 8  # the input is unchanged


def test_segment_without_words_takes_one_label_and_mismatches_are_refused() -> None:
    bare = Segment(0.0, 2.0, "Hello there", speaker="A")
    assert apply_word_speakers([bare], [["B"]])[0].speaker == "B"
    assert apply_word_speakers([bare], [[None]])[0].speaker == "A"
    with pytest.raises(ValueError):
        apply_word_speakers([_seg(0, "one two")], [["A"]])


def test_smoothing_drops_a_lone_flipped_word_but_keeps_two() -> None:
    assert smooth(["A", "B", "A"]) == ["A", "A", "A"]
    assert smooth(["A", "B", "B", "A"]) == ["A", "B", "B", "A"]
    assert smooth(["B", "A", "A"]) == ["B", "A", "A"]


def test_pieces_the_text_rule_cut_are_rejoined_when_one_voice_said_them() -> None:
    first, second = _seg(0.0, "What surprised you", "Ruth"), _seg(1.5, "most?", "Ruth")
    separate = _seg(3.0, "The nurses", "Ruth")
    out = rejoin([first, second, separate])
    assert [s.text for s in out] == ["What surprised you most?", "The nurses"]


# -- channels --------------------------------------------------------------------------------


def test_the_louder_channel_owns_the_word_even_with_leak() -> None:
    rng = np.random.default_rng(3)
    voice = rng.normal(0, 0.1, 16000).astype(np.float32)
    leak = 10 ** (-16 / 20)
    local = np.stack([voice, voice * 0.001], axis=1)  # the person at the laptop
    remote = np.stack([voice * leak, voice], axis=1)  # the call, leaking into the microphone
    audio = np.concatenate([local, remote, local])
    seg = Segment(
        0.0, 3.0, "a b c", [Word(0.1, 0.9, "a"), Word(1.1, 1.9, "b"), Word(2.1, 2.9, "c")]
    )
    assert channel_labels([seg], audio, ["Ruth", "Kieran"]) == [["Ruth", "Kieran", "Ruth"]]


def test_one_person_throughout_is_not_split_in_two() -> None:
    rng = np.random.default_rng(4)
    voice = rng.normal(0, 0.1, 3 * 16000).astype(np.float32)
    audio = np.stack([voice * 10 ** (-16 / 20), voice], axis=1) * rng.uniform(0.5, 1.5, (1, 1))
    words = [Word(i * 0.5, i * 0.5 + 0.4, "w") for i in range(6)]
    labels = channel_labels([Segment(0, 3, "w " * 6, words)], audio, ["Ruth", "Kieran"])
    assert labels == [["Kieran"] * 6]


# -- voice samples, channel roles and the CLI -----------------------------------------------


def _agreed(services: Services, title: str, scopes: tuple[str, ...] = ("record",)):  # type: ignore[no-untyped-def]
    interview = services.new_interview(title, interviewer="Ruth", interviewee="Kieran")
    for role in ("interviewer", "interviewee"):
        services.give_consent(interview.id, role, scopes)
    return interview


def test_no_voice_sample_without_consent_to_be_recorded(services: Services, testdata: Path) -> None:
    from app.errors import ConsentMissing

    interview = services.new_interview("Voices", interviewer="Ruth", interviewee="Kieran")
    services.give_consent(interview.id, "Kieran", ["record"])
    clip = testdata / "conversation.enrol.interviewer.wav"
    with pytest.raises(ConsentMissing, match="Ruth has not agreed to be recorded"):
        services.add_voice_sample(interview.id, "Ruth", clip)
    assert services.add_voice_sample(interview.id, "Kieran", clip).duration_s > 5
    assert len(services.voice_samples(interview.id)) == 1


def test_voice_samples_are_kept_replaced_and_deleted_with_the_interview(
    services: Services, testdata: Path
) -> None:
    interview = _agreed(services, "Voices")
    clip = testdata / "conversation.enrol.interviewer.wav"
    first = services.add_voice_sample(interview.id, "ruth", clip)
    assert 5 < first.duration_s < 7
    second = services.add_voice_sample(interview.id, "interviewer", clip)
    kept = services.voice_samples(interview.id)
    assert [s.path for s in kept] == [second.path]
    assert not (services.paths.data / first.path).exists()
    assert (services.paths.data / second.path).is_file()
    services.save_voice_sample(interview.id, "Kieran", load_audio(testdata / "jfk.wav"))
    paths = [services.paths.data / s.path for s in services.voice_samples(interview.id)]
    assert len(paths) == 2 and all(p.is_file() for p in paths)
    services.delete_interview(interview.id)
    assert not any(p.exists() for p in paths)


def test_a_voice_sample_must_be_a_voice(services: Services) -> None:
    interview = _agreed(services, "Voices")
    with pytest.raises(InvalidInput, match="at least"):
        services.save_voice_sample(interview.id, "Ruth", np.full(8000, 0.3, dtype=np.float32))
    with pytest.raises(InvalidInput, match="silent"):
        services.save_voice_sample(interview.id, "Ruth", np.zeros(48000, dtype=np.float32))
    with pytest.raises(InvalidInput, match="not a participant"):
        services.save_voice_sample(interview.id, "Sam", np.zeros(48000, dtype=np.float32))
    assert services.voice_samples(interview.id) == []


def test_two_channel_import_keeps_channels_and_says_whose_they_are(
    services: Services, testdata: Path, tmp_path: Path
) -> None:
    interview = _agreed(services, "Call")
    remote = testdata / "conversation-remote.wav"
    rec = services.import_audio(interview.id, remote)
    assert rec.channels == 2 and rec.channel_roles == ["interviewer", "interviewee"]
    swapped = services.import_audio(
        interview.id, remote, channel_roles=["interviewee", "interviewer"]
    )
    assert services.store.recording(swapped.id).channel_roles == ["interviewee", "interviewer"]
    room = services.import_audio(interview.id, remote, channel_roles=[])
    assert room.channel_roles == []
    assert load_channels(services.audio_file(rec)).shape[1] == 2
    with pytest.raises(InvalidInput, match="channel"):
        services.import_audio(
            interview.id, testdata / "jfk.wav", channel_roles=["interviewer", "interviewee"]
        )
    # 8 kHz stereo is resampled channel by channel.
    stereo = tmp_path / "stereo8k.wav"
    soundfile.write(stereo, np.stack([np.ones(8000) * 0.1, np.zeros(8000)], axis=1), 8000)
    channels = load_channels(stereo)
    assert channels.shape[1] == 2 and abs(channels.shape[0] - 16000) < 100
    assert channels[4000:12000, 0].mean() > 0.05 and abs(channels[:, 1]).max() < 1e-3


def test_voice_and_import_commands(home: Path, testdata: Path, capsys) -> None:
    assert (
        cli_main(["new", "--title", "T", "--interviewer", "Ruth", "--interviewee", "Kieran"]) == 0
    )
    for who in ("Ruth", "Kieran"):
        assert cli_main(["consent", "1", "--participant", who, "--add", "record"]) == 0
    capsys.readouterr()
    clip = str(testdata / "conversation.enrol.interviewee.wav")
    assert cli_main(["voice", "1", "--participant", "Kieran", clip]) == 0
    assert "voice sample of Kieran" in capsys.readouterr().out
    assert cli_main(["voice", "1", "--participant", "Kieran"]) == 2
    assert "audio file or --record" in capsys.readouterr().err
    assert cli_main(["voice", "1", "--participant", "Nobody", clip]) == 2
    remote = str(testdata / "conversation-remote.wav")
    assert (
        cli_main(["import", remote, "--interview", "1", "--channels", "interviewee,interviewer"])
        == 0
    )
    assert cli_main(["import", remote, "--interview", "1", "--channels", "sideways"]) == 2
    assert "--channels" in capsys.readouterr().err
    from app.paths import Paths
    from app.store import Store

    store = Store(Paths.from_env().database)
    try:
        assert [r.channel_roles for r in store.recordings(1)] == [["interviewee", "interviewer"]]
        assert len(store.voice_samples(1)) == 1
    finally:
        store.close()


def test_window_features_cut_from_the_stretch_equal_the_window_s_own(testdata: Path) -> None:
    from app.speakers import voices
    from app.speakers.fbank import normalised_fbank

    audio = load_audio(testdata / "jfk.wav")
    windows = voices.windows_in([(0.37, 6.0), (7.0, 7.9)])
    assert len(windows) == 8 and windows[-1] == voices.Window(7.0, 7.9, 7.0)
    seen: list[np.ndarray] = []

    class Recording(Embedder):
        def embed_features(self, features):  # type: ignore[no-untyped-def]
            seen.extend(features)
            return super().embed_features(features)

    voices.embed_windows(audio, windows, Recording())
    for window, feats in zip(windows, seen, strict=True):
        clip = audio[round(window.start * 16000) : round(window.end * 16000)]
        assert np.abs(feats - normalised_fbank(clip)).max() < 1e-3


def _cloud(centre: np.ndarray, count: int, spread: float, rng: np.random.Generator) -> np.ndarray:
    points = centre + rng.normal(0, spread, (count, centre.size))
    return points / np.linalg.norm(points, axis=1, keepdims=True)


def test_two_voices_found_in_a_take_and_the_reader_is_the_interviewer() -> None:
    from app.speakers.voices import Window, voices_from_take

    rng = np.random.default_rng(5)
    ruth, kieran = rng.normal(size=192), rng.normal(size=192)
    vectors = np.concatenate([_cloud(kieran, 6, 0.05, rng), _cloud(ruth, 4, 0.05, rng)])
    windows = [Window(i * 1.0, i * 1.0 + 1.5) for i in range(10)]
    # The text rule gave the reading (windows 6-9) to Ruth and the rest to Kieran.
    reading = _seg(6.0, "what have you been up to lately then", "Ruth", step=0.5)
    answer = _seg(0.0, "the hospital project every single Tuesday morning", "Kieran", step=0.75)
    a, b = voices_from_take(
        [answer, reading], windows, vectors, interviewer="Ruth", interviewee="Kieran"
    )
    assert (vectors[6:] @ a).min() > (vectors[6:] @ b).max()
    # Without any reading the first voice heard is the interviewer's.
    a, b = voices_from_take([], windows, vectors, interviewer="Ruth", interviewee="Kieran")
    assert (vectors[:6] @ a).min() > (vectors[:6] @ b).max()
    # One voice only: no second person is invented.
    alone = _cloud(kieran, 10, 0.05, rng)
    assert voices_from_take([], windows, alone, interviewer="Ruth", interviewee="Kieran") is None


def test_voice_prints_made_chunk_by_chunk_match_the_whole_take_s(testdata: Path) -> None:
    """The live and offline paths make a take's voice windows from the chunks they transcribe:
    the same stretches of speech as from the whole take, each counted once, and the same
    vectors; stored and read back they are unchanged."""
    from app.speakers.prints import (
        VoicePrints,
        from_rows,
        prints_of_audio,
        prints_of_chunk,
        to_rows,
    )
    from app.transcription.chunked import chunks_of

    audio = load_audio(testdata / "conversation.wav")
    embedder = Embedder()
    whole = prints_of_audio(audio, embedder)
    blocks = (audio[i : i + 4096] for i in range(0, audio.size, 4096))
    chunks = list(chunks_of(blocks))
    assert len(chunks) > 1
    joined = VoicePrints.joined(prints_of_chunk(c, embedder) for c in chunks)
    starts = [w.start for w in joined.windows]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)  # none counted twice
    # Window by window: nearly every window of the whole take has its twin among the chunks'.
    twins = 0
    for window, vector in zip(whole.windows, whole.vectors, strict=True):
        near = [i for i, w in enumerate(joined.windows) if abs(w.start - window.start) < 0.05]
        twins += any(float(joined.vectors[i] @ vector) > 0.9 for i in near)
    assert abs(len(joined) - len(whole)) <= 0.05 * len(whole)
    assert twins >= 0.85 * len(whole)  # edges of a stretch may move by a VAD window or two
    back = from_rows(to_rows(joined))
    assert back.windows == joined.windows and np.array_equal(back.vectors, joined.vectors)

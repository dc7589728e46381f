"""Speech detection decides what is transcribed: nothing invented over silence or quiet
room noise, and chunks that are cut only at pauses, whatever the take's length."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
import soundfile

from app.models import Segment, Word
from app.services import Services
from app.transcription.chunked import place
from app.transcription.engine import make_segment
from app.transcription.vad import MAX_CHUNK_S, PAD_S, SAMPLE_RATE, Chunk, Chunker, split_after
from app.wer import normalise, word_error_rate


def room_noise(seconds: float, *, level_dbfs: float = -55.0, seed: int = 0) -> np.ndarray:
    """Quiet, pink-ish noise like a room with a fan: most energy low down, no words."""
    rng = np.random.default_rng(seed)
    white = rng.standard_normal(int(seconds * SAMPLE_RATE))
    spectrum = np.fft.rfft(white)
    freqs = np.fft.rfftfreq(white.size, 1 / SAMPLE_RATE)
    noise = np.fft.irfft(spectrum / np.sqrt(np.maximum(freqs, 20.0)), white.size)
    noise *= 10 ** (level_dbfs / 20) / np.sqrt(np.mean(noise**2))
    return noise.astype(np.float32)


def chunks(audio: np.ndarray, *, block: int = 4800, **options: float) -> list[Chunk]:
    chunker = Chunker(**options)
    found: list[Chunk] = []
    for start in range(0, audio.size, block):
        found.extend(chunker.feed(audio[start : start + block]))
    found.extend(chunker.finish())
    return found


def jfk(testdata: Path) -> np.ndarray:
    audio, rate = soundfile.read(testdata / "jfk.wav", dtype="float32")
    assert rate == SAMPLE_RATE
    return audio


def test_digital_silence_and_room_noise_make_no_chunks() -> None:
    assert chunks(np.zeros(60 * SAMPLE_RATE, np.float32)) == []
    assert chunks(room_noise(60)) == []


def test_chunks_own_the_whole_timeline_once_and_hold_all_the_speech(testdata: Path) -> None:
    speech = jfk(testdata)
    gap = np.zeros(3 * SAMPLE_RATE, np.float32)
    audio = np.concatenate([gap, speech, gap, speech, room_noise(20), speech])
    for eager in (None, 3.0):
        found = chunks(audio, eager_after_s=eager)
        assert len(found) >= 3
        assert found[0].own_start_s == 0.0
        for before, after in itertools.pairwise(found):
            assert before.own_end_s == after.own_start_s  # no gap, no overlap in ownership
        assert audio.size / SAMPLE_RATE - 1.0 <= found[-1].own_end_s <= audio.size / SAMPLE_RATE
        for chunk in found:
            assert chunk.end_s - chunk.start_s <= MAX_CHUNK_S + 1.0
            assert chunk.own_start_s <= chunk.start_s + 1.0 and chunk.end_s <= chunk.own_end_s + 1
        # Each of the three speeches starts inside some chunk's audio.
        for start in (3.0, 3.0 + 11.0 + 3.0, 3.0 + 2 * 11.0 + 3.0 + 20.0):
            assert any(c.start_s <= start + 0.5 <= c.end_s for c in found), start


def test_a_draft_of_the_open_chunk_becomes_its_first_part_when_the_take_ends(
    testdata: Path,
) -> None:
    """Live transcription drafts the open chunk up to its last pause; after Stop the chunk
    that starts as drafted is cut in two: the draft exactly, then the speech after it."""
    audio = np.concatenate([jfk(testdata)] * 2)  # 22 s: one chunk, open to the end
    chunker = Chunker()
    drafts: list[tuple[float, Chunk]] = []
    for start in range(0, audio.size, 1600):
        assert list(chunker.feed(audio[start : start + 1600])) == []
        draft = chunker.draft()
        if draft is not None:
            drafts.append((chunker.received_s, draft))
    assert drafts
    received, draft = next((r, d) for r, d in drafts if r > 14.0)
    for _start, end_s in draft.speech:  # nothing of a word after the draft's last pause
        assert end_s <= draft.end_s - 0.5
    assert draft.end_s <= received
    # Replayed to the moment of the draft: the same draft (it is made from the audio alone).
    again = Chunker()
    cut = round(received * SAMPLE_RATE)
    for start in range(0, cut, 1600):
        list(again.feed(audio[start : min(start + 1600, cut)]))
    same = again.draft()
    assert same is not None and np.array_equal(same.audio, draft.audio)
    (whole,) = list(chunker.finish())
    first, second = split_after(whole, draft)  # type: ignore[misc]
    assert (first.start_s, first.own_start_s, first.own_end_s) == (
        draft.start_s,
        draft.own_start_s,
        draft.own_end_s,
    )
    assert np.array_equal(first.audio, draft.audio) and first.speech == draft.speech
    assert second.own_start_s == first.own_end_s and second.own_end_s == whole.own_end_s
    assert first.speech + second.speech == whole.speech
    # The rest's audio is the whole chunk's from the padding before its speech.
    offset = round((second.start_s - whole.start_s) * SAMPLE_RATE)
    assert np.array_equal(second.audio, whole.audio[offset:])
    expected = max(first.end_s - PAD_S, second.speech[0][0] - PAD_S)
    assert abs(second.start_s - expected) <= 1 / SAMPLE_RATE
    # A draft that is not the start of the chunk, or all of it, cuts nothing.
    stale = Chunk(start_s=0.0, audio=draft.audio, own_start_s=5.0, own_end_s=9.0, speech=[])
    assert split_after(whole, stale) is None
    assert split_after(whole, whole) is None


def test_unsure_text_in_a_chunks_padding_is_left_out_and_sure_words_at_its_edge_kept() -> None:
    """The words and times tiny.en gave, steered by the names, for a take captured through the
    null sink: the question ends at 18.66 s, the chunk's padding after it is silence."""
    chunk = Chunk(
        start_s=0.0,
        audio=np.zeros(int(19.3 * SAMPLE_RATE), np.float32),
        own_start_s=0.0,
        own_end_s=19.3,
        speech=[(3.84, 15.2), (16.384, 18.656)],
    )

    def segment(words: list[tuple[float, float, str, float]]) -> Segment:
        return make_segment(words[0][0], words[-1][1], " ".join(w[2] for w in words),
                            [Word(*w) for w in words])  # fmt: skip

    question = segment([(16.44, 16.8, "What", 0.99), (16.8, 17.5, "surprised", 0.99),
                        (17.5, 17.9, "you", 0.96), (17.9, 18.4, "about...", 0.98)])  # fmt: skip
    invented = segment([(18.4, 19.04, "and", 0.002), (19.04, 19.04, "I", 0.051),
                        (19.04, 19.04, "will", 0.098), (19.04, 19.04, "see", 0.184),
                        (19.04, 19.22, "you", 0.859), (19.22, 19.22, "next", 0.327),
                        (19.22, 19.22, "time.", 0.776)])  # fmt: skip
    assert [s.text for s in place([question, invented], chunk)] == [question.text]
    # The same times with words the engine is sure of: a short reply at the speech's edge.
    sure = segment([(18.4, 18.9, "Yes,", 0.95), (18.9, 19.2, "definitely.", 0.9)])
    assert [s.text for s in place([question, sure], chunk)] == [question.text, sure.text]
    # Unsure words over speech are the engine's best guess at real words: kept.
    mumbled = segment([(17.0, 17.6, "fan", 0.2), (17.6, 18.3, "pointers", 0.3)])
    assert [s.text for s in place([mumbled], chunk)] == [mumbled.text]


def test_a_talker_who_never_pauses_is_cut_at_a_quiet_moment(testdata: Path) -> None:
    # JFK's speech back to back without gaps: 66 s with only his own short pauses.
    audio = np.concatenate([jfk(testdata)] * 6)
    found = chunks(audio)
    assert len(found) >= 3
    assert all(c.end_s - c.start_s <= MAX_CHUNK_S + 1.0 for c in found)


def test_memory_stays_that_of_one_chunk_over_a_long_silence() -> None:
    chunker = Chunker()
    second = np.zeros(SAMPLE_RATE, np.float32)
    for _ in range(600):
        assert list(chunker.feed(second)) == []
    assert chunker._audio.size <= SAMPLE_RATE  # the padding before the next word, no more


@pytest.mark.slow
def test_jfk_then_two_minutes_of_room_noise_gives_only_jfk(
    services: Services, testdata: Path, tmp_path: Path
) -> None:
    take = tmp_path / "jfk-then-room.wav"
    soundfile.write(take, np.concatenate([jfk(testdata), room_noise(120)]), SAMPLE_RATE)
    interview = services.new_interview("Quiet tail", interviewer="Ask", interviewee="Answer")
    services.import_audio(interview.id, take)
    transcript = services.transcribe(interview.id, language="en")
    text = " ".join(s.text for s in transcript.segments)
    reference = (testdata / "jfk.txt").read_text()
    assert word_error_rate(reference, text) <= 0.10, text
    assert normalise(text)[-1] == "country", text  # nothing after his last word
    assert all(s.end <= 11.5 for s in transcript.segments), text


@pytest.mark.slow
def test_digital_silence_gives_no_text(services: Services, tmp_path: Path) -> None:
    take = tmp_path / "silence.wav"
    soundfile.write(take, np.zeros(90 * SAMPLE_RATE, np.float32), SAMPLE_RATE)
    interview = services.new_interview("Silence", interviewer="Ask", interviewee="Answer")
    services.import_audio(interview.id, take)
    assert services.transcribe(interview.id, language="en").segments == []

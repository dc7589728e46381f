"""Change notices: published after the change committed, to every subscriber, from any thread."""

from __future__ import annotations

import threading

from app.notices import Change, Notices


def test_subscribers_hear_changes_until_they_unsubscribe() -> None:
    hub = Notices()
    heard: list[Change] = []
    stop = hub.subscribe(heard.append)
    hub.publish(Change("transcript", 3))
    stop()
    hub.publish(Change("settings"))
    assert heard == [Change("transcript", 3)]
    assert len(hub) == 0


def test_a_failing_subscriber_does_not_silence_the_others() -> None:
    hub = Notices()
    heard: list[Change] = []

    def broken(_change: Change) -> None:
        raise RuntimeError("boom")

    hub.subscribe(broken)
    hub.subscribe(heard.append)
    hub.publish(Change("interview", 1))
    assert heard == [Change("interview", 1)]


def test_publishing_from_many_threads_loses_nothing() -> None:
    hub = Notices()
    heard: list[Change] = []
    lock = threading.Lock()

    def record(change: Change) -> None:
        with lock:
            heard.append(change)

    hub.subscribe(record)
    threads = [
        threading.Thread(target=lambda n=n: [hub.publish(Change("post", n)) for _ in range(200)])
        for n in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(heard) == 800


def test_services_tell_after_the_change_is_stored(services) -> None:
    seen: list[tuple[Change, str]] = []
    # The subscriber reads the store: it must already see what the notice is about.
    services.notices.subscribe(
        lambda c: (
            seen.append((c, services.interview(c.interview_id).notes))
            if c.kind == "interview" and c.interview_id
            else None
        )
    )
    interview = services.new_interview("Notes", interviewer="Ann", interviewee="Bo")
    services.update_notes(interview.id, "hello")
    assert seen[-1] == (Change("interview", interview.id), "hello")

"""What a user can do with the post: edit it (saved at once, undoable), quote, approve, review.

Mixed into ``app.services.Services`` (which gives ``store``, ``scripts`` and friends); kept
apart so that the post's rules have one home.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING

from app import approval, names, takes
from app.atomic import write_atomic
from app.errors import InvalidInput, NoTranscript
from app.export import markdown as md
from app.export.post_text import PostContent, build_post
from app.export.review import REVIEW_FORMATS, render_review_docx, render_review_html
from app.export.writer import check_publish_consent
from app.post import Post, PostState, PullQuote, validated
from app.transcript import speaker_name, tidy

if TYPE_CHECKING:
    from app.approval import ApprovalState
    from app.context import AppContext
    from app.editing import TranscriptEdits
    from app.models import Interview, Participant, Script, Segment, Transcript
    from app.scripts import ScriptLibrary
    from app.store import Store


class PostServices:
    ctx: AppContext
    store: Store
    scripts: ScriptLibrary

    edits: TranscriptEdits

    if TYPE_CHECKING:  # given by Services

        def script_for(self, interview: Interview) -> Script | None: ...
        def require_transcript(self, interview_id: int) -> Transcript: ...
        def transcript_revision(self, interview_id: int) -> int | None: ...
        def _notify(self, kind: str, interview_id: int | None = None) -> None: ...

    # -- the post ---------------------------------------------------------------------------

    def post_state(self, interview_id: int) -> PostState:
        self.store.interview(interview_id)
        return self.store.post_state(interview_id)

    def save_post(self, interview_id: int, post: Post) -> PostState:
        """Store the post's new choices as one new version (undoable)."""
        self.store.interview(interview_id)
        state = self.store.save_post(interview_id, validated(post))
        self._notify("post", interview_id)
        return state

    def undo_post(self, interview_id: int) -> PostState:
        state = self.store.move_post_head(interview_id, -1)
        self._notify("post", interview_id)
        return state

    def redo_post(self, interview_id: int) -> PostState:
        state = self.store.move_post_head(interview_id, +1)
        self._notify("post", interview_id)
        return state

    def suggested_tags(self, interview_id: int) -> list[str]:
        script = self.script_for(self.store.interview(interview_id))
        return list(script.tags) if script else []

    def post_content(self, interview_id: int) -> PostContent:
        """What the post says now: transcript, script and the stored choices together."""
        interview = self.store.interview(interview_id)
        return build_post(
            interview,
            self._post_segments(interview_id),
            self.store.post_state(interview_id).post,
            suggested_tags=self.suggested_tags(interview_id),
        )

    def post_content_defaults(self, interview_id: int) -> PostContent:
        """What the post would say with no choices of its own (the editor's "default")."""
        interview = self.store.interview(interview_id)
        current = self.store.post_state(interview_id).post
        return build_post(
            interview,
            self._post_segments(interview_id),
            Post(omit_fillers=current.omit_fillers),
            suggested_tags=self.suggested_tags(interview_id),
        )

    def _post_segments(self, interview_id: int) -> list[Segment]:
        """The segments of the included takes, in order, each on its own take's timeline."""
        segments = self.require_transcript(interview_id).segments
        return takes.in_takes(segments, takes.included_takes(self.store.recordings(interview_id)))

    def set_pull_quote(self, interview_id: int, segment_index: int | None) -> PostState:
        """Quote one transcript line under the intro (None: no quote)."""
        post = self.store.post_state(interview_id).post
        if segment_index is None:
            return self.save_post(interview_id, replace(post, pull_quote=None))
        interview = self.store.interview(interview_id)
        segments = self.require_transcript(interview_id).segments
        if not 0 <= segment_index < len(segments):
            raise InvalidInput(
                f"There is no line number {segment_index + 1} in the transcript.",
                "Reload the transcript and choose the line again.",
            )
        seg = segments[segment_index]
        if seg.redacted or not tidy(seg.text):
            raise InvalidInput(
                "A redacted or empty line cannot be the pull quote.",
                "Choose a line that will be in the post.",
            )
        quote = PullQuote(
            text=tidy(seg.text),
            speaker=speaker_name(interview, seg.speaker),
            start=seg.start,
            end=seg.end,
            recording_id=getattr(seg, "recording_id", None),
        )
        return self.save_post(interview_id, replace(post, pull_quote=quote))

    def post_title(self, interview_id: int) -> str:
        return self.store.post_state(interview_id).post.title or self.interview_title(interview_id)

    def interview_title(self, interview_id: int) -> str:
        return self.store.interview(interview_id).title

    # -- approval ---------------------------------------------------------------------------

    def approval_text(self, interview_id: int) -> str:
        """The text that is approved: the post as Markdown, without the day's date."""
        return md.render_post(self.post_content(interview_id), flavour="plain", date=None)

    def approvals(self, interview_id: int) -> list[ApprovalState]:
        interview = self.store.interview(interview_id)
        return approval.approval_states(
            interview, self.approval_text(interview_id), self.store.latest_approvals(interview_id)
        )

    def approve(self, interview_id: int, participant: str | int, *, text_hash: str) -> None:
        """Record that ``participant`` approved the text whose sha256 is ``text_hash``.

        The caller passes the hash of the text it showed; if the post changed in between,
        the approval is refused rather than recorded for words nobody read.
        """
        person = self.check_can_approve(interview_id, participant)
        text = self.approval_text(interview_id)
        if approval.text_hash(text) != text_hash:
            raise InvalidInput(
                "The post changed while it was being read, so it was not approved.",
                "Read the post again and approve what is there now.",
            )
        assert person.id is not None
        self.store.add_approval(interview_id, person.id, sha256=text_hash, text=text)
        self._notify("post", interview_id)

    def check_can_approve(self, interview_id: int, participant: str | int) -> Participant:
        """The participant (by name, id or role), once consent (the first gate) is there."""
        interview = self.store.interview(interview_id)
        person = self._participant(interview, participant)
        check_publish_consent(interview)
        return person

    def _participant(self, interview: Interview, participant: str | int) -> Participant:
        for p in interview.participants:
            if participant in (p.id, p.role) or (
                isinstance(participant, str) and p.name.casefold() == participant.casefold()
            ):
                return p
        who = " or ".join(f"'{p.name}'" for p in interview.participants)
        raise InvalidInput(
            f"'{participant}' is not a participant of interview {interview.id}.", f"Use {who}."
        )

    def check_can_export(self, interview_id: int, fmt: str) -> None:
        """The gate an export passes: consent for every format, approval for the post."""
        if fmt == "markdown":
            self.check_can_publish(interview_id)  # type: ignore[attr-defined]
        else:
            check_publish_consent(self.store.interview(interview_id))

    def check_approved(self, interview_id: int) -> None:
        approval.check_approved(self.store.interview(interview_id), self.approvals(interview_id))

    # -- names ------------------------------------------------------------------------------

    def steering_terms(self, interview_id: int) -> list[str]:
        """What recognition is told to spell right for this interview."""
        interview = self.store.interview(interview_id)
        return names.steering_terms(interview, self.ctx.settings.glossary)

    def name_fixes(self, interview_id: int) -> list[names.NameFix]:
        interview = self.store.interview(interview_id)
        transcript = self.store.transcript(interview_id)
        if transcript is None:
            return []
        return names.misspellings(transcript.segments, interview, self.ctx.settings.glossary)

    def replace_name(self, interview_id: int, wrong: str, right: str) -> int:
        """Replace a misspelt name everywhere in the transcript: one undoable edit."""
        if not wrong.strip() or not right.strip():
            raise InvalidInput("Both the wrong and the right spelling are needed.", "Type both.")
        revision = self.transcript_revision(interview_id)
        if revision is None:
            raise NoTranscript(f"Interview {interview_id} has not been transcribed yet.")
        return self.edits.replace_name(interview_id, revision, wrong, right).count

    # -- review copy ------------------------------------------------------------------------

    def review_copy(self, interview_id: int, fmt: str, *, out: Path, force: bool = False) -> Path:
        """Write a "draft for review" copy (``review-html`` or ``review-docx``)."""
        if fmt not in REVIEW_FORMATS:
            raise InvalidInput(
                f"'{fmt}' is not a review copy format.", f"Choose {' or '.join(REVIEW_FORMATS)}."
            )
        content = self.post_content(interview_id)
        suffix = ".html" if fmt == "review-html" else ".docx"
        if out.is_dir():
            out = out / f"{md.slugify(content.title)}-for-review{suffix}"
        data: str | bytes = (
            render_review_html(content) if fmt == "review-html" else render_review_docx(content)
        )
        return write_atomic(out, data, force=force)

    def render_post_markdown(
        self, interview_id: int, *, flavour: str = "plain", on_date: Date | None = None
    ) -> str:
        return md.render_post(
            self.post_content(interview_id), flavour=flavour, date=on_date or Date.today()
        )

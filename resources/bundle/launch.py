"""Entry script of the PyInstaller bundle: the same command as the installed ``buddy-interviews``.

It lives here rather than at the top level because the repository's top level is fixed.
"""

import multiprocessing
import sys

from app.cli import main

if __name__ == "__main__":
    # A frozen app that ever starts a multiprocessing child would otherwise re-run main() in it
    # (a second window); this is a no-op when nothing spawns.
    multiprocessing.freeze_support()
    sys.exit(main())

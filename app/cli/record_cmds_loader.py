"""Hooks the recording commands (devices, record, recover) into the command line."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    from app.cli import record_cmd

    record_cmd.register(sub)

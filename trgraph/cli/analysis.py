"""CLI commands (analysis); each module exports COMMANDS for the group to register."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []

"""Reading the files in deploy/ as an operator's machine would, with this machine's paths and ports.

The production files name fixed places (``/opt/portal``, ``/etc/portal``) and
ports (80, 443, 8001, 8002); the stack test substitutes its own and changes
nothing else, so what it starts is what ships.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"


@dataclass
class Unit:
    """What a systemd service unit says about starting its process."""

    name: str
    exec_start: list[str]
    environment: dict[str, str] = field(default_factory=dict)
    environment_files: list[str] = field(default_factory=list)
    working_directory: str | None = None
    options: dict[str, list[str]] = field(default_factory=dict)


def read_unit(name: str, substitutions: dict[str, str]) -> Unit:
    """The [Service] section of ``deploy/systemd/<name>``, with ``substitutions`` applied to every value."""
    options: dict[str, list[str]] = {}
    section = None
    for raw in (DEPLOY / "systemd" / name).read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        for old, new in substitutions.items():
            value = value.replace(old, new)
        options.setdefault(f"{section}.{key.strip()}", []).append(value.strip())
    environment = {}
    for assignment in options.get("Service.Environment", []):
        for word in shlex.split(assignment):
            key, _, value = word.partition("=")
            environment[key] = value
    return Unit(
        name=name,
        exec_start=shlex.split(options["Service.ExecStart"][-1]),
        environment=environment,
        environment_files=options.get("Service.EnvironmentFile", []),
        working_directory=(options.get("Service.WorkingDirectory") or [None])[-1],
        options=options,
    )


def read_environment_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as systemd's EnvironmentFile= reads them (ours quote only whole values)."""
    values = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        values[key.strip()] = value
    return values


def write_environment_file(path: Path, values: dict[str, str]) -> None:
    path.write_text("".join(f'{key}="{value}"\n' for key, value in values.items()))


def nginx_site(substitutions: dict[str, str]) -> str:
    """deploy/nginx/portal.conf with ``substitutions`` applied, in order."""
    text = (DEPLOY / "nginx" / "portal.conf").read_text()
    for old, new in substitutions.items():
        assert old in text, f"deploy/nginx/portal.conf no longer contains {old!r}"
        text = text.replace(old, new)
    return text

"""The import profiles csskpi ships, and finding a profile by name or path.

A bundled profile is a TOML file in ``csskpi/builtin/profiles/`` (``servicenow-incidents``,
``contact-centre-calls``); :func:`load_profile` takes such a name or the path of a council's own profile file.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import attrs

from csskpi.errors import Problem, UnknownNameError
from csskpi.files.profile import Profile, read_profile

__all__ = ["bundled_profiles", "load_profile"]


def bundled_profiles() -> dict[str, str]:
    """Every bundled profile: its name and its file's text."""
    folder = resources.files("csskpi.builtin.profiles")
    return {entry.name.removesuffix(".toml"): entry.read_text(encoding="utf-8")
            for entry in sorted(folder.iterdir(), key=lambda e: e.name) if entry.name.endswith(".toml")}


def load_profile(name_or_path: str | os.PathLike[str]) -> Profile:
    """A profile by the path of its TOML file, or by the name of a bundled one."""
    text = os.fspath(name_or_path)
    if isinstance(name_or_path, os.PathLike) or text.endswith(".toml") or os.sep in text or Path(text).is_file():
        return read_profile(text)
    bundled = resources.files("csskpi.builtin.profiles").joinpath(f"{text}.toml")
    if not bundled.is_file():
        known = ", ".join(bundled_profiles()) or "none"
        raise UnknownNameError(Problem(f"no import profile named {text!r} (bundled: {known}; or give a .toml path)",
                                       field="profile"))
    with resources.as_file(bundled) as path:
        profile = read_profile(path)
    return attrs.evolve(profile, file=f"bundled:{text}.toml")  # messages name it, not a path in site-packages

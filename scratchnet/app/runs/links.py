"""Share links, read and written: the whole configuration lives in the URL, so a link opens the same run.

``?lr=0.1&hidden=32,32`` sets controls (only values that differ from the defaults appear);
``?preset=notebook1`` starts from a preset; ``?hide=training,seed`` hides controls (a teacher's
link). Every value from a link is validated like a widget's; a refused one gets a message and
keeps its default, and the rest of the link still applies. No Streamlit here: ``ui/links.py``
reads the address bar and draws the share panel.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scratchnet.app.runs.config import FIELDS, RunConfig, from_query, to_query
from scratchnet.app.runs.presets import PRESETS

#: What ``hide=`` takes besides control names: a control group, the presets, the uploader.
HIDE_GROUPS = ("data", "network", "training")
HIDE_PARTS = ("presets", "upload")


@dataclass(frozen=True)
class Link:
    """What a session was opened with: the configuration, the controls to hide, the preset named."""

    config: RunConfig
    hidden: frozenset[str] = frozenset()
    preset: str | None = None
    messages: tuple[str, ...] = field(default_factory=tuple)


def parse_hidden_list(text: str) -> frozenset[str]:
    """``hide=lr,decay,data`` from a teacher's link → the names to hide (unknown names ignored)."""
    known = set(FIELDS) | set(HIDE_GROUPS) | set(HIDE_PARTS)
    return frozenset(part.strip() for part in text.split(",") if part.strip() in known)


def read_link(query: dict[str, list[str]]) -> Link:
    """A ``Link`` from query parameters (each key with all its values)."""
    messages: list[str] = []
    if len(query.get("preset") or []) > 1:
        messages.append(f"preset was given {len(query['preset'])} times in the link; using the last one.")
    preset = (query.get("preset") or [None])[-1]
    base = RunConfig()
    if preset is not None:
        if preset in PRESETS:
            base = PRESETS[preset].config()
        else:
            messages.append(f"Ignored an unknown preset {preset[:40]!r}; presets are {', '.join(PRESETS)}.")
            preset = None
    config, problems = from_query(query, base)
    hide = ",".join(query.get("hide", []))
    hidden = parse_hidden_list(hide)
    unknown = [part.strip() for part in hide.split(",") if part.strip() and part.strip() not in hidden]
    if unknown:
        shown = ", ".join(repr(name[:20]) for name in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        messages.append(
            f"Ignored unknown names in hide: {shown}. hide takes control names such as lr, epochs or seed, "
            "a group (data, network, training), presets or upload."
        )
    return Link(config, hidden, preset, tuple(messages + problems))


def link_query(config: RunConfig, hidden: frozenset[str] = frozenset(), preset: str | None = None) -> dict[str, str]:
    """The query parameters of a link to ``config``; a classroom link may also hide controls and name
    the preset it starts from (then only the differences from that preset are spelled out)."""
    query = {"preset": preset} if preset in PRESETS else {}
    query |= to_query(config, PRESETS[preset].config() if preset in PRESETS else None)
    if hidden:
        query["hide"] = ",".join(sorted(hidden))
    return query


#: Query keys that carry a secret (a student's personal token, a teacher's key): never part of a link
#: the app builds for sharing, whatever else the address bar holds.
PRIVATE_KEYS = frozenset({"me", "key"})


def public(query: dict[str, str]) -> dict[str, str]:
    """``query`` without the keys that carry a secret."""
    return {name: value for name, value in query.items() if name not in PRIVATE_KEYS}


def hide_query(hidden: frozenset[str]) -> dict[str, str]:
    """Just the ``hide=`` part of a link (for a page that sends the student on with the teacher's list)."""
    return {"hide": ",".join(sorted(hidden))} if hidden else {}

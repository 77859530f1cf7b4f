"""EMS programs (Erl) that can loop without bound: found in the model's text, before any run.

Erl runs inside the engine at every timestep it is called from. A `WHILE` whose condition
never turns false (`WHILE x < 1` / `SET x = 0` / `ENDWHILE`) is only cut by the engine after a
million iterations per call, so a year of timesteps holds a worker for hours (issue 24: two
such uploads held both worker slots past the 30-minute limit). A subroutine that `RUN`s
itself, directly or through others, recurses until the engine crashes. Whether a loop ends
cannot be decided in general, so the registry runs no Erl `WHILE` at all and no `RUN` cycle;
a designer can write the same logic with `IF` blocks and a fixed number of steps.
"""

from __future__ import annotations

PROGRAM_OBJECTS = ("ENERGYMANAGEMENTSYSTEM:PROGRAM", "ENERGYMANAGEMENTSYSTEM:SUBROUTINE")


def _objects(text: str):
    """(type, fields) of every object, split the way EnergyPlus reads an IDF."""
    stripped = "\n".join(line.split("!", 1)[0] for line in text.splitlines())
    for chunk in stripped.split(";"):
        fields = [field.strip() for field in chunk.split(",")]
        if fields and fields[0]:
            yield fields[0].upper(), fields[1:]


def unbounded_loop(text: str) -> tuple[str, dict] | None:
    """Why the model's EMS can loop without bound (a message code and its parameters), or None.

    Parameters
    ----------
    text : str
        The IDF's text.
    """
    calls: dict[str, list[str]] = {}
    names: dict[str, str] = {}  # Erl names are case-insensitive; shown as the model spells them
    for key, fields in _objects(text):
        if key not in PROGRAM_OBJECTS or not fields:
            continue
        name = fields[0]
        names[name.upper()] = name
        called = calls.setdefault(name.upper(), [])
        for line in fields[1:]:
            words = line.split()
            if not words:
                continue
            keyword = words[0].upper()
            if keyword == "WHILE":
                return "idf.ems_while_loop", {"program": name, "line": " ".join(words)[:80]}
            if keyword == "RUN" and len(words) > 1:
                called.append(words[1].upper())
    cycle = _cycle(calls)
    if cycle:
        return "idf.ems_recursion", {"chain": " → ".join(names.get(n, n) for n in cycle)}
    return None


def _cycle(calls: dict[str, list[str]]) -> list[str] | None:
    """A chain of RUN calls that comes back to where it started, or None.

    Depth-first without recursion: an upload may chain thousands of subroutines.
    """
    done: set[str] = set()
    for start in calls:
        if start in done:
            continue
        path, on_path = [start], {start}
        stack = [iter(calls[start])]
        while stack:
            target = next(stack[-1], None)
            if target is None:
                stack.pop()
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
                continue
            if target in on_path:
                return path[path.index(target) :] + [target]
            if target in calls and target not in done:
                path.append(target)
                on_path.add(target)
                stack.append(iter(calls[target]))
    return None

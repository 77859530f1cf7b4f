"""A fast writer for eppy's model objects (duck-typed: this module does not import eppy)."""

from __future__ import annotations

from collections.abc import Callable


def write_model(idf, scientificnotation: Callable) -> str:
    """The text of an eppy IDF object as eppy's `idfstr()` writes it.

    eppy's own `EpBunch.__repr__` looks up the units of every field the IDD allows (10,001 for
    `Schedule:Compact`) with a `list.index()` each, slow on every such object. This writes
    the same bytes reading units by field position. eppy's number formatter is passed in so that
    `registry.domain.checks.idf` stays the only module importing eppy.
    """
    units_by_fields: dict[tuple[int, int], tuple] = {}
    parts = []
    for key in idf.model.dtls:
        for obj in idf.idfobjects[key]:
            parts.append(_object_text(obj, units_by_fields, scientificnotation))
    return "".join(parts)


def _object_text(obj, units_by_fields: dict, scientificnotation: Callable) -> str:
    """One object as `EpBunch.__repr__` writes it, reading units by field position."""
    values = obj.obj
    comments = _comments(obj, len(values), units_by_fields)
    lines = []
    for val in values:
        try:  # eppy's rule: a whole float prints as an int, everything else as it is
            number = int(val)
            lines.append(val if number != val else number)
        except ValueError:
            lines.append(val)
    first = f"{lines[0]},"
    body = [f"    {scientificnotation(line, width=18)}," for line in lines[1:-1]]
    body.append(f"    {lines[-1]};")
    body = [line.ljust(26) for line in body]
    if len(lines) == 1:
        # eppy's last-line rule lands on line 0 too: "    Key,;"
        return f"\n    {lines[0]},;\n"
    # Not strict: like eppy, a value beyond the object's IDD fields is left out.
    commented = [
        f"{line}    !- {comment}" for line, comment in zip(body, comments[1:], strict=False)
    ]
    text = "\n".join([first, *commented])
    return f"\n{text}\n"


def _comments(obj, count: int, cache: dict) -> list[str]:
    """The `!- Field Name {units}` comments of the first `count` fields of `obj`.

    Kept per object type (its IDD entry, shared by every object of the type) and field-name
    list length, which changes only where eppy lengthened the IDD entry for a long object.
    """
    names = obj.objls
    iddinfo = obj.objidd
    entry = cache.get((id(iddinfo), len(names)))
    if entry is None:
        first_index: dict[str, int] = {}
        for index, name in enumerate(names):
            first_index.setdefault(name, index)
        # `iddinfo` is kept in the entry so its id cannot be reused while the cache lives.
        entry = cache[(id(iddinfo), len(names))] = (iddinfo, names, first_index, [])
    _, names, first_index, comments = entry
    while len(comments) < min(count, len(names)):
        name = names[len(comments)]
        # eppy reads units at the *first* field of that name, hence first_index
        units = (
            iddinfo[first_index[name]].get("units") if first_index[name] < len(iddinfo) else None
        )
        label = name.replace("_", " ")
        comments.append(f"{label} {{{units[0]}}}" if units else label)
    return comments[:count]

"""Text widths and line breaks for the long PDF tables (`pdf_tables`), from the font's own
advance widths: a cell's text is measured and wrapped here, as a browser would wrap it in
a cell of that width."""

from __future__ import annotations

PT_MM = 25.4 / 72  # mm per typographic point


class Widths:
    """Text widths in mm from the font's advance widths, per size; wrapped lines of the
    texts that recur (target, district, kind and level names) remembered."""

    REMEMBER = 20_000

    def __init__(self, cw, size_pt: float):
        self._advance = cw.__getitem__
        self._scale = size_pt * PT_MM / 1000
        self._cache: dict[str, float] = {}
        self._wrapped: dict[tuple[str, float], list[str]] = {}

    def __call__(self, text: str) -> float:
        width = self._cache.get(text)
        if width is None:
            width = sum(map(self._advance, map(ord, text))) * self._scale
            if len(self._cache) < self.REMEMBER:
                self._cache[text] = width
        return width

    def wrap(self, text: str, room: float, words: bool = False) -> list[str]:
        """Lines of `text` within `room` mm, broken anywhere (as CSS overflow-wrap: anywhere)
        or, with `words`, after the line's last space when it has one."""
        key = (text, room, words)
        found = self._wrapped.get(key)
        if found is not None:
            return found
        if sum(map(self._advance, map(ord, text))) * self._scale <= room:
            found = [text]
        else:
            found = self._break(text, room, words)
        if len(self._wrapped) < self.REMEMBER:
            self._wrapped[key] = found
        return found

    def _break(self, text: str, room: float, words: bool = False) -> list[str]:
        advance, scale = self._advance, self._scale
        lines, start, used = [], 0, 0.0
        n = 0
        while n < len(text):
            w = advance(ord(text[n])) * scale
            if n > start and used + w > room:
                # Inside a word of Latin letters or digits: back to the line's last space.
                # Between CJK characters a line may end anywhere, as in CSS.
                inside = words and latin(text[n - 1]) and latin(text[n])
                space = text.rfind(" ", start + 1, n + 1) if inside else -1
                if space > start:  # the words on this line; the space itself is not drawn
                    lines.append(text[start:space])
                    start, used, n = space + 1, 0.0, space + 1
                    continue
                lines.append(text[start:n])
                start, used = n, 0.0
            used += w
            n += 1
        lines.append(text[start:])
        return lines


def latin(c: str) -> bool:
    """A character of a word that must not be cut (letters, digits, Latin punctuation)."""
    return c != " " and ord(c) < 0x2E80

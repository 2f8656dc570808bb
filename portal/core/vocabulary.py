"""Fixed sets of codes, each defined once with its labels, next to the model that stores it."""

from __future__ import annotations

from wtforms.fields.choices import SelectChoice


class Vocabulary(dict):
    """Codes in the order they are offered, each mapped to its (lazily translated) label."""

    def label(self, code: str | None) -> str:
        """The label of ``code`` in the current language; the code itself if it is not known."""
        if code is None:
            return ""
        return str(self.get(code, code))

    def choices(self) -> list[SelectChoice]:
        """The codes as choices of a select or radio field."""
        return [SelectChoice(code, label) for code, label in self.items()]

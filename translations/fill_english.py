"""Fill the English catalogue from its source strings (English is the source language).

Run by `make update-messages`; other languages are translated by people.
"""

from pathlib import Path

from babel.messages.pofile import read_po, write_po

path = Path(__file__).with_name("en") / "LC_MESSAGES" / "messages.po"
with path.open("rb") as f:
    catalogue = read_po(f, locale="en")
for message in catalogue:
    if message.id:
        message.string = message.id
        message.flags.discard("fuzzy")
with path.open("wb") as f:
    write_po(f, catalogue, width=76)

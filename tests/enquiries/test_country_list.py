"""The enquiry form's countries, named and sorted as each language does."""

from __future__ import annotations

import html
import re

#: the letters of Urdu in their order (as CLDR's ur collation has them)
URDU_ALPHABET = "اآبپتٹثجچحخدڈذرڑزژسشصضطظعغفقکگلمنںوہھءیے"


def countries(page: str) -> list[str]:
    body = page.split('id="country" name="country"', 1)[1].split("</select>", 1)[0]
    return [html.unescape(name) for name in re.findall(r'<option value="[A-Z]{2}"[^>]*>([^<]+)</option>', body)]


def test_english_puts_aland_with_the_as(client):
    names = countries(client.get("/en/enquire").get_data(as_text=True))
    assert names.index("Åland Islands") == names.index("Afghanistan") + 1
    assert names.index("Åland Islands") + 1 == names.index("Albania")
    assert names[-1] == "Zimbabwe"


def test_kyrgyz_puts_uzbekistan_after_o_and_before_p(client):
    names = countries(client.get("/ky/enquire").get_data(as_text=True))
    at = names.index("Өзбекстан")
    assert names[at - 1].startswith("О") and names[at + 1].startswith("П")


def test_urdu_follows_the_urdu_alphabet(client):
    """By their first letters, in the Urdu alphabet's order (ٹ after ت, ڈ after د, …), not Arabic's."""
    names = countries(client.get("/ur/enquire").get_data(as_text=True))
    order = [URDU_ALPHABET.index(name[0]) for name in names if name[0] in URDU_ALPHABET]
    assert len(order) > 200
    assert order == sorted(order)

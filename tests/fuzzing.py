"""Tools for tests/test_fuzz.py: hostile values, HTML forms read the way a browser reads them, and a tally of answers.

Every generated string may carry a marker tag (``<b data-fuzz="…">``) or a quote that
tries to leave an attribute (``" data-fuzz-attr="…``); a page that shows either one
raw has echoed input as markup.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urlsplit

from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

#: input that came back as markup: the marker tag, or a quote that left its attribute
ECHOED = re.compile(r"<b data-fuzz=|[\"'] data-fuzz-attr=")

BIDI = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
]
#: pieces that have broken web apps before: invisible and combining characters, emoji,
#: line breaks of every kind, quotes, escapes, template and format syntax, numbers of every script
SPECIAL = [
    *BIDI,
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u0301",
    "e\u0301",
    "\u0336\u0336\u0336",
    "Z\u0351\u0353\u0354\u0355\u0356",
    "\U0001f600",
    "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",
    "\U0001f1f5\U0001f1f0",
    "\U0001f3f3\ufe0f\u200d\U0001f308",
    "\r\n",
    "\r",
    "\n",
    "\t",
    "\x0b",
    "\x0c",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\ufffd",
    "\uffff",
    "\U0010ffff",
    "'",
    '"',
    "`",
    "\\",
    "%",
    "%25",
    "%00",
    "_",
    "&",
    "&amp;",
    "&#x3c;b&#x3e;",
    "{{ 7*7 }}",
    "{% raw %}",
    "${7*7}",
    "%(x)s",
    "%s",
    "%d",
    "{0}",
    "../",
    "..\\",
    "/",
    "?",
    "#",
    ";",
    "' OR 1=1--",
    '"*',
    "*",
    "NEAR(",
    "AND",
    ":*",
    "!",
    "ё",
    "Ё",
    "ß",
    "İ",
    "ﬃ",
    "ǅ",
    "١٢٣",
    "۱۲۳",
    "１２３",
    "²",
    "½",
    "Ⅻ",
    "-1",
    "0",
    "1e309",
    "NaN",
    "   ",
    "javascript:alert(1)",
    "//evil.example",
    "/\\evil.example",
    "https://evil.example/",
    "@",
    "a@b",
    "x@example.org",
    "пример@пример.рф",
    "اردو",
    "Кыргызстан",
]
NUMBERS = [
    "0",
    "-0",
    "1",
    "-1",
    "2",
    "007",
    "1.5",
    "1e3",
    "1e309",
    "-1e309",
    "inf",
    "-inf",
    "nan",
    "0x10",
    "1_000",
    "1,000",
    " 12 ",
    "+5",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "99999999999999999999999999999",
    "-99999999999999999999999999999",
    "²",
    "١٢٣",
    "１２",
    "Ⅻ",
    "2024-02-30",
    "2024-13-01",
    "0001-01-01",
    "9999-12-31",
    "+002024-01-01",
    "2024-W01-1",
    "20240101",
]


def _markers() -> st.SearchStrategy[str]:
    n = st.integers(0, 10**6)
    return st.one_of(
        n.map(lambda i: f'<b data-fuzz="{i}">'),
        n.map(lambda i: f'"><b data-fuzz="{i}">'),
        n.map(lambda i: f'\'><b data-fuzz="{i}">'),
        n.map(lambda i: f'</textarea></title></option><b data-fuzz="{i}">'),
        n.map(lambda i: f'" data-fuzz-attr="{i}'),
        n.map(lambda i: f"' data-fuzz-attr='{i}"),
    )


markers = _markers()
_characters = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
_pieces = st.one_of(
    st.text(_characters, max_size=12),
    st.text(st.characters(min_codepoint=1, max_codepoint=0x7F), max_size=12),
    st.sampled_from(SPECIAL),
    markers,
)
#: a short hostile string, often with a marker in it
texts = st.one_of(
    st.lists(_pieces, max_size=6).map("".join),
    st.tuples(st.lists(_pieces, max_size=3), markers, st.lists(_pieces, max_size=3)).map(
        lambda t: "".join(t[0]) + t[1] + "".join(t[2])
    ),
)
numbers = st.one_of(st.sampled_from(NUMBERS), st.integers().map(str), st.floats().map(repr))


def _long(args: tuple[str, int]) -> str:
    piece, size = args
    piece = piece or "x"
    return (piece * (size // len(piece) + 1))[:size]


#: 10 KB and 100 KB values, and (rarely) one larger than MAX_CONTENT_LENGTH, which is a 413
long_texts = st.tuples(texts, st.sampled_from([10_000, 100_000, 100_000, 300_000])).map(_long)
#: NUL is refused with a 400 on purpose; a few are sent all the same
with_nul = texts.map(lambda s: s + "\x00")


@dataclass(frozen=True)
class Offered:
    """A value the form or page offers, picked when the request is made: the page is only known then.

    ``foreign`` picks among the choices of the form's other fields (a wrong choice);
    ``padded`` sends it in capitals between spaces.
    """

    index: int
    padded: bool = False
    foreign: bool = False

    def pick(self, own: list[str], others: list[str]) -> str:
        options = (others if self.foreign else own) or own or others
        if not options:
            return str(self.index)
        value = options[self.index % len(options)]
        return f" {value.upper()} " if self.padded else value


@dataclass(frozen=True)
class Typed:
    """A value that is not a string (a number, true, null, a list, an object), as only a JSON body can send it."""

    value: Any

    def __str__(self) -> str:
        return json.dumps(self.value)


typed = st.builds(
    Typed,
    st.one_of(
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.none(),
        st.lists(st.integers(), max_size=2),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    ),
)


def one_in(n: int) -> st.SearchStrategy[bool]:
    """True one time in ``n``; not for the simplest value, which Hypothesis tries first and most."""
    return st.integers(0, n - 1).map(lambda i: i == n // 2)


offered = st.builds(Offered, st.integers(0, 2**16), one_in(6), one_in(4))
#: one value: hostile text, a wrong type, a choice the page offers (or another field's), empty, long, or with NUL
value = st.one_of(texts, texts, texts, numbers, typed, offered, offered, offered, st.just(""), long_texts, with_nul)
#: what one field sends: nothing (missing), one value, or the same key two or three times
sent = st.one_of(
    st.just(None), value.map(lambda v: [v]), value.map(lambda v: [v]), st.lists(value, min_size=2, max_size=3)
)


def resolve(values: list[Any] | None, own: list[str] | None = None, others: list[str] | None = None) -> list[Any]:
    """The values a field sends, its ``Offered`` ones picked from ``own`` (or ``others``) choices."""
    return [v.pick(own or [], others or []) if isinstance(v, Offered) else v for v in values or []]


def pick(options: list[Any], index: int) -> Any:
    return options[index % len(options)] if options else None


def raw_query(items: list[tuple[str, Any]]) -> str:
    """A query string as a careless client sends it: markup and quotes left raw, only what would split it encoded."""

    def part(value: str) -> str:
        return quote(value, safe="<>\"'`{}|^[]!$()*,;:@/?~ ")

    return "&".join(f"{part(str(k))}={part(str(v))}" for k, v in items).replace(" ", "+")


def path_segment(value: str) -> str:
    return quote(value, safe="") or "%20"


@dataclass
class Field:
    name: str
    kind: str
    #: what a browser sends when nobody touches the field (None: nothing)
    value: str | None = None
    #: the values offered: a select's options, the radios or checkboxes of this name, the buttons' values
    options: list[str] = field(default_factory=list)


@dataclass
class HtmlForm:
    action: str
    method: str
    enctype: str
    fields: dict[str, Field] = field(default_factory=dict)

    def defaults(self) -> dict[str, str]:
        """What a browser sends when the form is submitted untouched (without any button's name)."""
        out = {}
        for f in self.fields.values():
            if f.kind in ("button", "submit", "file"):
                continue
            if f.kind == "select" and f.value is None and f.options:
                out[f.name] = f.options[0]
            elif f.value is not None:
                out[f.name] = f.value
        return out

    @property
    def csrf_fields(self) -> list[str]:
        return [name for name in self.fields if name.endswith("csrf_token")]


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def _field(self, name: str, kind: str) -> Field:
        assert self._form is not None
        return self._form.fields.setdefault(name, Field(name, kind))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = HtmlForm(a.get("action", ""), a.get("method", "get").lower(), a.get("enctype", ""))
            self.forms.append(self._form)
            return
        name = a.get("name")
        if self._form is None or not name:
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            f = self._field(name, "submit" if kind in ("submit", "image") else kind)
            if kind in ("radio", "checkbox", "submit", "image"):
                value = a.get("value", "on")
                f.options.append(value)
                if "checked" in a:
                    f.value = value
            elif kind != "file":
                f.value = a.get("value", "")
        elif tag == "button":
            self._field(name, "button").options.append(a.get("value", ""))
        elif tag == "select":
            self._select = self._field(name, "select")
        elif tag == "textarea":
            self._textarea = self._field(name, "textarea")
            self._textarea.value = ""

    def _option(self, a: dict[str, str]) -> None:
        assert self._select is not None
        value = a.get("value", "")
        self._select.options.append(value)
        if "selected" in a:
            self._select.value = value

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value = (self._textarea.value or "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the line break that follows <textarea>.
            value = self._textarea.value or ""
            self._textarea.value = value[2:] if value.startswith("\r\n") else value.removeprefix("\n")
            self._textarea = None


def forms_of(page: str) -> list[HtmlForm]:
    parser = _FormParser()
    parser.feed(page)
    parser.close()
    return parser.forms


#: a file's first bytes: what the attachment form accepts, and what it must refuse
FILE_STARTS = [
    b"%PDF-1.4\n",
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff\xe0",
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    b"<html>",
    b"",
]


@st.composite
def uploads(draw: Any) -> tuple[bytes, str] | None:
    """A file for a file field: a known signature or none, some bytes, a hostile name; or no file at all."""
    if draw(one_in(6)):
        return None
    data = draw(st.sampled_from(FILE_STARTS)) + draw(st.binary(max_size=200))
    name = draw(st.one_of(texts, st.sampled_from(["brochure.pdf", "../../etc/passwd", "a.pdf.exe", ".pdf", ""])))
    # A name the multipart encoder can write: it puts the name between quotes on one header line.
    name = re.sub(r'[\x00-\x1f\x7f"\\]', "_", name)
    return data, name


#: how one submission of a form differs from a valid one, decided before the page is known
plans = st.fixed_dictionaries(
    {
        #: which form of the page
        "form": st.integers(0, 2**16),
        #: fields to change (by index) and what each sends; all fields at once one time in six
        "changes": st.lists(st.tuples(st.integers(0, 2**16), sent), min_size=1, max_size=3),
        "all": one_in(6),
        "everything": st.lists(sent, min_size=1, max_size=8),
        #: the CSRF token is changed (to these values) one time in ten
        "csrf": one_in(10),
        "csrf_sent": sent,
        #: a field the form does not have, one time in eight
        "extra": st.one_of(st.none(), st.none(), st.none(), st.none(), st.none(), st.none(), st.tuples(texts, value)),
        "upload": uploads(),
        #: the body as the form says (most often), as multipart/form-data, or as JSON
        "encoding": st.sampled_from(["form"] * 6 + ["multipart", "json"]),
        "raw": st.booleans(),
    }
)


def submission(form: HtmlForm, valid: dict[str, str], plan: dict[str, Any]) -> MultiDict:
    """``form`` filled in validly, then changed in a few fields as ``plan`` says.

    Changing one field at a time (mostly) lets the others pass, so that the
    changed one reaches its own validation.
    """
    base = {**form.defaults(), **{k: v for k, v in valid.items() if k in form.fields}}
    names = [n for n in form.fields if n not in form.csrf_fields]
    if plan["all"]:
        changed = {name: plan["everything"][i % len(plan["everything"])] for i, name in enumerate(names)}
    else:
        changed = {pick(names, i): values for i, values in plan["changes"] if names}
    if plan["csrf"]:
        changed.update(dict.fromkeys(form.csrf_fields, plan["csrf_sent"]))
    items: list[tuple[str, Any]] = []
    for name, f in form.fields.items():
        if name not in changed:
            if name in base:
                items.append((name, base[name]))
            elif f.kind in ("button", "submit") and name in valid:
                items.append((name, valid[name]))
        elif f.kind == "file":
            if plan["upload"] is not None:
                data, filename = plan["upload"]
                items.append((name, FileStorage(io.BytesIO(data), filename, name, "application/octet-stream")))
        else:
            own = [*f.options, *([f.value] if f.value else []), *([valid[name]] if name in valid else [])]
            others = [o for g in form.fields.values() if g is not f for o in g.options]
            items.extend((name, v) for v in resolve(changed[name], own, others))
    if plan["extra"] is not None:
        key, extra = plan["extra"]
        items.append((key, *resolve([extra], sorted(form.fields))))
    return MultiDict(items)


def follows(location: str) -> str | None:
    """The path (and query) of a redirect the fuzzer follows: pages of this site only."""
    parts = urlsplit(location)
    if parts.netloc not in ("", "portal.test") or not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Tally:
    """How many requests the fuzzer made, by the status of their answer."""

    def __init__(self) -> None:
        self.statuses: Counter[int] = Counter()

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    def summary(self) -> str:
        by_status = ", ".join(f"{status}: {n}" for status, n in sorted(self.statuses.items()))
        return f"fuzz: {self.total} requests; responses by status: {by_status}"


class Fuzzer:
    """Sends requests with a test client and checks every answer: no 5xx, no input echoed as markup."""

    def __init__(self, tally: Tally) -> None:
        self.tally = tally

    def open(self, client: Any, method: str, url: str, **kwargs: Any) -> Any:
        response = client.open(url, method=method, **kwargs)
        self.tally.statuses[response.status_code] += 1
        self.check(response, f"{method} {url[:300]!r} {_shorten(kwargs)}")
        return response

    def get(self, client: Any, url: str, **kwargs: Any) -> Any:
        return self.open(client, "GET", url, **kwargs)

    def post(
        self, client: Any, url: str, data: MultiDict, encoding: str = "form", follow: int = 2, **kwargs: Any
    ) -> Any:
        """POST ``data`` encoded as "form", "multipart" or "json", then follow up to ``follow`` redirects as a
        browser does, checking each page."""
        if encoding == "json":
            # One key once is a value, a key repeated a list; files cannot be sent.
            lists = {
                k: [v.value if isinstance(v, Typed) else v for v in vs if isinstance(v, (str, Typed))]
                for k, vs in data.lists()
            }
            kwargs["json"] = {k: vs[0] if len(vs) == 1 else vs for k, vs in lists.items()}
        else:
            data = MultiDict([(k, str(v) if isinstance(v, Typed) else v) for k, v in data.items(multi=True)])
            if encoding == "multipart":
                # Encoded here, in memory: the test client spools a large body to a file it never closes.
                boundary, kwargs["data"] = encode_multipart(data)
                kwargs["content_type"] = f"multipart/form-data; boundary={boundary}"
            else:
                kwargs["data"] = data
        response = self.open(client, "POST", url, **kwargs)
        while follow and response.status_code in (301, 302, 303, 307, 308):
            target = follows(response.headers.get("Location", ""))
            if target is None:
                break
            response = self.get(client, target)
            follow -= 1
        return response

    @staticmethod
    def check(response: Any, request: str) -> None:
        assert response.status_code < 500, f"{response.status_code} for {request}"
        if response.mimetype == "text/html":
            page = response.get_data(as_text=True)
            echoed = ECHOED.search(page)
            assert echoed is None, (
                f"input echoed as markup for {request}: …{page[max(0, echoed.start() - 300) : echoed.end() + 100]}…"
            )


def _shorten(kwargs: dict[str, Any]) -> str:
    text = repr(kwargs)
    return text if len(text) < 2000 else text[:2000] + "…"

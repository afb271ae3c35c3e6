"""Citations and glossary terms that read well in JupyterLab and in the book.

The notebooks are read in two places. JupyterLab (with jupyterlab-myst) cannot
resolve Sphinx roles: ``{cite:p}`key``` shows a "citation not found" icon and
the raw key, and ``{term}`mask``` links to ``#``. So the notebooks (and the
book pages that the lab opens: the glossary and the bibliography) hold plain
Markdown links, written relative to the file in the repository:

- a citation, in parentheses:
  ``([van der Walt et al., 2014](../book/references.md#vanderwalt2014skimage))``;
  in running text: ``[Kirillov et al. (2019)](../book/references.md#kirillov2019panoptic)``;
  several in one pair of parentheses are separated by ``; ``;
- a glossary term: ``[mask](../book/glossary.md#term-mask)``, the anchor being
  the glossary's own (``term-`` and the term, spaces as hyphens);
- the data documentation: ``[`data/README.md`](../data/README.md)``.

In JupyterLab these are links that open the bibliography (a plain list, below
the book's directive in ``references.md``) and the glossary in a new tab. The
book turns them back into real cross-references before parsing (the
``source-read`` handler below): a citation link becomes ``{cite:alp}`` (its
text is "Author, year") or ``{cite:t}`` ("Author (year)"), a term link
``{term}``, and the README link a link to the book's ``data`` page. A
citation whose text is not the author-year text that ``references.bib``
gives, an unknown key or an unknown term stops the build.

The bibliography is sorted by author, names last-first, each entry labelled
with its author-year text (which the book's stylesheet hides: the list reads
as an unnumbered one), and citations read "(Author et al., 2014)" and
"Author et al. (2014)": the styles ``segcourse`` registered here for pybtex and
sphinxcontrib-bibtex.

Run this file to rewrite the plain list in ``references.md`` from
``references.bib``: ``.venv/bin/python book/_ext/segcourse_citations.py``.
"""

from __future__ import annotations

import dataclasses
import json
import posixpath
import re
import sys
from pathlib import Path

BOOK = Path(__file__).resolve().parent.parent
ROOT = BOOK.parent
BIBFILE = BOOK / "references.bib"
GLOSSARY = BOOK / "glossary.md"
REFERENCES = BOOK / "references.md"

#: Files in the repository that the lab links to, and the book page that shows each.
BOOK_PAGE_OF = {"data/README.md": "data.md"}

#: Roles that jupyterlab-myst renders by itself, so a notebook may use them.
LAB_ROLES = {"math", "sub", "sup", "abbr", "kbd", "del", "u", "sc", "smallcaps"}

LIST_BEGIN = "<!-- begin plain list"
LIST_END = "<!-- end plain list -->"

_LINK = re.compile(
    r"\[(?P<text>[^\[\]\n]+)\]\((?P<path>[^()\s#]+\.md)(?:#(?P<anchor>[^()\s]*))?\)"
)
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)$", re.M)
# read left to right, as Markdown does: a backtick run preceded by {name} opens a
# role, any other opens a code span ("`{term}`" is code, not a role)
_INLINE = re.compile(
    r"\{(?P<name>[A-Za-z][\w:.-]*)\}(?P<rticks>`+)(?P<body>.*?)(?<!`)(?P=rticks)(?!`)"
    r"|(?<!`)(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)",
    re.S,
)


class CitationError(ValueError):
    """A citation or glossary link that does not match references.bib or the glossary."""


# --- references.bib ------------------------------------------------------------------

def load_bibliography(path: Path = BIBFILE):
    """The entries of a BibTeX file, by key (pybtex entries)."""
    from pybtex.database import parse_file

    return dict(parse_file(str(path)).entries)


def _plain(rich) -> str:
    return rich.render_as("text").replace("\N{NO-BREAK SPACE}", " ")


def authors_text(entry) -> str:
    """'Jordan', 'Taha and Hanbury', 'van der Walt et al.': as the book's citations read."""
    persons = entry.persons.get("author") or entry.persons.get("editor")
    if not persons:
        raise CitationError(f"{entry.key}: no author or editor in references.bib")
    names = []
    for person in persons:
        parts = [_plain(p) for p in person.rich_prelast_names + person.rich_last_names]
        names.append(" ".join(parts))
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


def parenthetical(entry) -> str:
    """The text of a citation in parentheses: 'van der Walt et al., 2014'."""
    return f"{authors_text(entry)}, {entry.fields['year']}"


def textual(entry) -> str:
    """The text of a citation in running text: 'van der Walt et al. (2014)'."""
    return f"{authors_text(entry)} ({entry.fields['year']})"


# --- glossary.md ---------------------------------------------------------------------

def _glossary_block(text: str) -> tuple[int, int]:
    """Start and end offsets of the body of the ```{glossary} fence."""
    match = re.search(r"^```\{glossary\}[^\n]*\n(.*?)^```[ \t]*$", text, re.S | re.M)
    if not match:
        raise CitationError("glossary.md has no ```{glossary} block")
    return match.start(1), match.end(1)


def glossary_terms(path: Path = GLOSSARY) -> dict[str, str]:
    """Anchor (as in the built glossary: 'term-class-imbalance') -> term, for every term."""
    text = path.read_text(encoding="utf-8")
    start, end = _glossary_block(text)
    terms = {}
    for line in text[start:end].splitlines():
        if not line.strip() or line.startswith((" ", "\t", ":")):
            continue
        for term in line.split(" / "):
            terms[term_anchor(term.strip())] = term.strip()
    return terms


def term_anchor(term: str) -> str:
    """The id Sphinx gives a glossary term: 'class imbalance' -> 'term-class-imbalance'."""
    try:
        from sphinx.util.nodes import _make_id
    except ImportError:  # pragma: no cover - Sphinx is installed wherever the book builds
        return "term-" + re.sub(r"[^\w.]+", "-", term.lower()).strip("-")
    return _make_id(f"term-{term}")


def glossary_to_sphinx(text: str) -> str:
    """Rewrite the lab-readable glossary into the syntax of Sphinx's glossary directive.

    In ``glossary.md`` each entry is a Markdown definition list item, which
    jupyterlab-myst shows with the term in bold: synonyms on one line
    separated by `` / ``, the definition after ``: `` and indented by two
    spaces. Sphinx wants each synonym on its own line and the whole definition
    indented.
    """
    start, end = _glossary_block(text)
    lines = []
    for line in text[start:end].splitlines():
        if line.startswith(": "):
            lines.append("  " + line[2:])
        elif line.strip() and not line.startswith((" ", "\t", ":")):
            lines.extend(term.strip() for term in line.split(" / "))
        else:
            lines.append(line)
    return text[:start] + "\n".join(lines) + "\n" + text[end:]


# --- links -> roles ------------------------------------------------------------------

def _code_blocks(text: str) -> list[tuple[int, int]]:
    """Offsets of fenced code blocks and of directives' fence lines.

    The body of a directive (```{glossary}) is Markdown, not code: only its
    opening and closing lines are left out.
    """
    spans = []
    directives = []  # the fences of the directives open around this line
    code = None  # (start, fence) of the open code block
    offset = 0
    for line in text.splitlines(keepends=True):
        match = _FENCE.match(line.rstrip("\r\n"))
        if code is not None:
            if match and _closes(match, code[1]):
                spans.append((code[0], offset + len(line)))
                code = None
        elif match:
            if directives and _closes(match, directives[-1]):
                directives.pop()
                spans.append((offset, offset + len(line)))  # the fence line itself
            elif match.group("info").strip().startswith("{"):
                directives.append(match.group("fence"))
                spans.append((offset, offset + len(line)))
            else:
                code = (offset, match.group("fence"))
        offset += len(line)
    if code is not None:
        spans.append((code[0], len(text)))
    return spans


def _closes(match, fence: str) -> bool:
    closing = match.group("fence")
    return (not match.group("info").strip() and closing[0] == fence[0]
            and len(closing) >= len(fence))


def _inline(text: str):
    """Roles (match objects) and code spans (offsets) outside fenced code blocks."""
    blocks = _code_blocks(text)
    roles, spans = [], []
    for match in _INLINE.finditer(_blank(text, blocks)):
        if match.group("name"):
            roles.append(match)
        else:
            spans.append(match.span())
    return blocks, roles, spans


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of code (fenced blocks, inline code) where nothing is converted or checked."""
    blocks, _, spans = _inline(text)
    return sorted(blocks + spans)


def roles_with_offsets(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, name, body) of every MyST role outside code."""
    _, roles, _ = _inline(text)
    return [(m.start(), m.end(), m.group("name"), m.group("body")) for m in roles]


def _blank(text: str, spans) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def prose(text: str) -> str:
    """The text with every code span and code block blanked out (offsets unchanged)."""
    return _blank(text, _protected_spans(text))


def roles_in(text: str) -> list[tuple[str, str]]:
    """(name, body) of every MyST role outside code."""
    return [(name, body) for _, _, name, body in roles_with_offsets(text)]


def resolve(source: str, path: str) -> str:
    """A relative link target as a path from the repository root ('book/references.md')."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), path))


@dataclasses.dataclass
class Link:
    """A Markdown link of the lab syntax: a citation, a glossary term or a repository file."""

    start: int
    end: int
    kind: str  # "cite", "term" or "file"
    text: str
    target: str  # the key, the term, or the repository path
    role: str = ""  # the replacement in the book


def find_links(text: str, source: str, *, bib=None, terms=None) -> list[Link]:
    """Every citation, glossary and repository-file link in ``text`` (outside code).

    ``source`` is the file's path from the repository root (for example
    ``notebooks/01_what_is_segmentation.ipynb``): link targets are relative to
    it. Raises CitationError for a link to the bibliography or the glossary
    that does not match them.
    """
    bib = load_bibliography() if bib is None else bib
    terms = glossary_terms() if terms is None else terms
    found = []
    blanked = prose(text)
    for match in _LINK.finditer(blanked):
        # the link text may itself be inline code (`data/README.md`): read it unblanked
        label = text[match.start("text"):match.end("text")]
        target = resolve(source, match.group("path"))
        anchor = match.group("anchor")
        where = f"{source}: [{label}]({match.group('path')}#{anchor or ''})"
        if target in ("book/references.md", "book/glossary.md") and not anchor:
            continue  # a link to the page itself
        if target == "book/references.md":
            entry = bib.get(anchor)
            if entry is None:
                raise CitationError(f"{where}: no key {anchor!r} in references.bib")
            if label == parenthetical(entry):
                role = f"{{cite:alp}}`{anchor}`"
            elif label == textual(entry):
                role = f"{{cite:t}}`{anchor}`"
            else:
                raise CitationError(
                    f"{where}: the link text must be {parenthetical(entry)!r} (inside "
                    f"parentheses) or {textual(entry)!r} (in running text), as "
                    "references.bib gives them")
            found.append(Link(*match.span(), "cite", label, anchor, role))
        elif target == "book/glossary.md":
            term = terms.get(anchor or "")
            if term is None:
                raise CitationError(f"{where}: no glossary term has the anchor {anchor!r}")
            if re.search(r"[`<>*_]", label):
                raise CitationError(f"{where}: a term's link text must be plain words")
            role = f"{{term}}`{term}`" if label == term else f"{{term}}`{label} <{term}>`"
            found.append(Link(*match.span(), "term", label, term, role))
        elif target in BOOK_PAGE_OF:
            # from the book's source folder; "project:" as book/notebooks is a symbolic
            # link, through which a relative path would leave the folder
            suffix = f"#{anchor}" if anchor else ""
            new = f"[{label}](project:/{BOOK_PAGE_OF[target]}{suffix})"
            found.append(Link(*match.span(), "file", label, target, new))
    return found


def links_to_roles(text: str, source: str, *, bib=None, terms=None) -> str:
    """The text with every lab link replaced by its book form (see the module docstring)."""
    out = text
    for link in reversed(find_links(text, source, bib=bib, terms=terms)):
        out = out[:link.start] + link.role + out[link.end:]
    return out


# --- references.md: the plain list for the lab ------------------------------------------

def reference_list_markdown(path: Path = BIBFILE) -> str:
    """The bibliography as a Markdown list, as the book formats it (same style, same order)."""
    import pybtex.plugin
    from pybtex.backends.markdown import Backend
    from pybtex.database import parse_file

    class PlainMarkdown(Backend):
        # escape only what Markdown would misread, so the file stays readable as text
        symbols = {**Backend.symbols, "ndash": "\N{EN DASH}", "newblock": " ",
                   "nbsp": " "}

        def format_str(self, text):
            for char in "\\`*_[]<>":
                text = text.replace(char, "\\" + char)
            return text

    register_styles()
    style = pybtex.plugin.find_plugin("pybtex.style.formatting", "segcourse")()
    backend = PlainMarkdown()
    lines = []
    for entry in style.format_bibliography(parse_file(str(path))).entries:
        text = " ".join(entry.text.render(backend).split())
        lines.append(f'- <a id="{entry.key}"></a>{text}')
    return "\n".join(lines) + "\n"


def write_reference_list(references: Path = REFERENCES, bibfile: Path = BIBFILE) -> bool:
    """Rewrite the plain list in references.md from references.bib; True if it changed."""
    text = references.read_text(encoding="utf-8")
    new = replace_reference_list(text, reference_list_markdown(bibfile))
    if new != text:
        references.write_text(new, encoding="utf-8")
    return new != text


def _list_span(text: str) -> tuple[int, int]:
    begin = text.find(LIST_BEGIN)
    end = text.find(LIST_END)
    if begin < 0 or end < begin:
        raise CitationError(f"references.md: no {LIST_BEGIN!r} ... {LIST_END!r} block")
    return text.index("\n", text.index("-->", begin)) + 1, end


def reference_list_in(text: str) -> str:
    """The plain list held by references.md."""
    start, end = _list_span(text)
    return text[start:end]


def replace_reference_list(text: str, new_list: str) -> str:
    start, end = _list_span(text)
    return text[:start] + new_list + text[end:]


def drop_reference_list(text: str) -> str:
    """references.md for the book: the directive shows the list, so the plain copy goes."""
    begin = text.find(LIST_BEGIN)
    _, end = _list_span(text)
    return text[:begin] + text[end + len(LIST_END):]


# --- bibliography styles ------------------------------------------------------------------

def register_styles() -> None:
    """Register the 'segcourse' entry style (pybtex) and citation style (sphinxcontrib-bibtex)."""
    import pybtex.plugin
    from pybtex.richtext import Text
    from pybtex.style.formatting.plain import Style as Plain
    from pybtex.style.labels import BaseLabelStyle

    class AuthorYearLabels(BaseLabelStyle):
        """Labels that read like the citations ('Lin et al., 2017'), a, b, ... where two agree."""

        def format_labels(self, sorted_entries):
            entries = list(sorted_entries)
            labels = [parenthetical(entry) for entry in entries]
            for label in set(labels):
                same = [i for i, other in enumerate(labels) if other == label]
                if len(same) > 1:
                    for letter, i in zip("abcdefghijklmnopqrstuvwxyz", same, strict=False):
                        labels[i] = label + letter
            yield from labels

    class EntryStyle(Plain):
        """pybtex's plain style (sorted by author), names last-first with initials."""

        default_name_style = "lastfirst"
        default_label_style = "segcourse"

        def __init__(self, *args, abbreviate_names=True, **kwargs):
            super().__init__(*args, abbreviate_names=abbreviate_names, **kwargs)

    pybtex.plugin.register_plugin("pybtex.style.labels", "segcourse", AuthorYearLabels, force=True)
    pybtex.plugin.register_plugin("pybtex.style.formatting", "segcourse", EntryStyle, force=True)

    try:
        import sphinxcontrib.bibtex.plugin
        from sphinxcontrib.bibtex.style.referencing import BracketStyle, PersonStyle
        from sphinxcontrib.bibtex.style.referencing.author_year import (
            AuthorYearReferenceStyle,
        )
    except ImportError:  # pragma: no cover - only the book needs the citation style
        return

    def round_brackets():
        return BracketStyle(left="(", right=")")

    def plain_et_al():
        # "et al." upright, as the notebooks write it
        return PersonStyle(other=Text(" et al."))

    @dataclasses.dataclass
    class ReferenceStyle(AuthorYearReferenceStyle):
        """Author-year citations in round brackets: (Lin et al., 2017), Lin et al. (2017)."""

        bracket_parenthetical: BracketStyle = dataclasses.field(default_factory=round_brackets)
        bracket_textual: BracketStyle = dataclasses.field(default_factory=round_brackets)
        bracket_author: BracketStyle = dataclasses.field(default_factory=round_brackets)
        bracket_label: BracketStyle = dataclasses.field(default_factory=round_brackets)
        bracket_year: BracketStyle = dataclasses.field(default_factory=round_brackets)
        person: PersonStyle = dataclasses.field(default_factory=plain_et_al)

    sphinxcontrib.bibtex.plugin.register_plugin(
        "sphinxcontrib.bibtex.style.referencing", "segcourse", ReferenceStyle, force=True)


# --- Sphinx -----------------------------------------------------------------------------

def _source_path(app, docname: str) -> str:
    """The document's path from the repository root, as the lab sees it."""
    suffix = ".ipynb" if (Path(app.srcdir) / f"{docname}.ipynb").exists() else ".md"
    if docname.startswith("notebooks/"):
        return docname + suffix
    return f"book/{docname}{suffix}"


SOLUTION_MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.M)


def strip_solution_markers(code: str) -> str:
    """A solution cell's code without its ``### BEGIN/END SOLUTION`` lines.

    The markers tell ``make student`` what to replace with a stub; a reader of
    the book, who sees the solution behind its toggle, has no use for them.
    They are comments, so the code runs the same without them.
    """
    return SOLUTION_MARKER.sub("", code)


def _source_read(app, docname: str, source: list[str]) -> None:
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    path = _source_path(app, docname)
    try:
        if path.endswith(".ipynb"):
            notebook = json.loads(source[0])
            changed = False
            for cell in notebook.get("cells", []):
                if "solution" in cell.get("metadata", {}).get("tags", []):
                    code = cell["source"]
                    code = "".join(code) if isinstance(code, list) else code
                    cell["source"] = strip_solution_markers(code).rstrip("\n")
                    changed = True
                if cell.get("cell_type") != "markdown":
                    continue
                text = cell["source"]
                text = "".join(text) if isinstance(text, list) else text
                new = links_to_roles(text, path)
                if new != text:
                    cell["source"] = new
                    changed = True
            if changed:
                source[0] = json.dumps(notebook, ensure_ascii=False)
            return
        text = source[0]
        if docname == "references":
            text = drop_reference_list(text)
        if docname == "glossary":
            text = glossary_to_sphinx(text)
        source[0] = links_to_roles(text, path)
    except CitationError as exc:
        logger.warning(str(exc), location=docname, type="segcourse", subtype="citation")


def _outdated(app, env, added, changed, removed):
    """A renamed glossary term changes what the chapters' term links become: read them again."""
    if "glossary" in changed:
        return [doc for doc in env.found_docs if doc.startswith("notebooks/")]
    return []


def setup(app):
    register_styles()
    app.connect("source-read", _source_read)
    app.connect("env-get-outdated", _outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    changed = write_reference_list()
    print(f"{REFERENCES.relative_to(ROOT)}: {'rewritten' if changed else 'already up to date'}")
    sys.exit(0)

"""A corpus of hostile and broken input files, generated at test time (never committed).

Users point the indexer at messy folders. This module writes one of everything that
goes wrong in practice into a folder and says what the indexer must make of it: which
articles must end up in the index (each carries a unique marker word so a test can find
it), and which files must be reported as skipped, with a fragment of the reason.

Nothing here knows how the readers work inside; the expectations are the user's:
readable text is indexed whatever its encoding or size, everything else is named.

It also holds what the reliability and security tests share to drive the product as
a user does: the `newsfacets` console script in a child process (`run_newsfacets`,
`start_newsfacets`) and `newsfacets serve` on a loopback port (`Server`).
"""
from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BIG_ARTICLE_BYTES = 50 * 1024 * 1024
ONE_LINE_BYTES = 5 * 1024 * 1024
NESTED_DIVS = 100_000

_PARAGRAPH = (
    "Officials in the capital said on Tuesday that the talks on the water treaty would resume "
    "next month, after delegations failed to agree on the allocation of the river's flow. "
)


@dataclass
class HostileCorpus:
    """Where the corpus is and what indexing it must produce.

    `articles` maps each article id that must be indexed to a marker word found in its
    stored title or body. `skipped` maps a file name (as it appears in the indexer's
    summary line) to lower-case words one of which its reason must contain.
    """

    root: Path
    articles: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Marker words that must never reach the index (content of <script>, handlers...).
    forbidden: tuple[str, ...] = ()
    # The file made of one 5 MB line: (file name, id, marker), checked on its own.
    one_line: tuple[str, str, str] = ("", "", "")


def _article_text(marker: str, extra: str = "") -> str:
    return f"Talks resume on the {marker} treaty\n\n{_PARAGRAPH}{extra}\n\nThe {marker} delegation left.\n"


def write_hostile_corpus(root: Path) -> HostileCorpus:
    """Write the hostile corpus under `root` (created)."""
    root.mkdir(parents=True, exist_ok=True)
    corpus = HostileCorpus(root)
    good = corpus.articles

    # Plain, well-formed articles: the control group.
    (root / "plain.txt").write_text(_article_text("hostileplain"), encoding="utf-8")
    good["plain"] = "hostileplain"
    (root / "notes.md").write_text("# Markdown " + _article_text("hostilemarkdown"), encoding="utf-8")
    good["notes"] = "hostilemarkdown"

    # Legacy encodings: latin-1, cp1252 (curly quotes, euro sign), and UTF-8 with one bad byte.
    (root / "latin1.txt").write_bytes(_article_text("hostilelatin", "Le café à Montréal coûte cher.").encode("latin-1"))
    good["latin1"] = "hostilelatin"
    (root / "cp1252.txt").write_bytes(
        _article_text("hostilecpage", "He said \u201cthe \u20ac price\u201d rose \u2014 again.").encode("cp1252")
    )
    good["cp1252"] = "hostilecpage"
    (root / "bad_utf8.txt").write_bytes(_article_text("hostilebadutf", "Na\u00efve caf\u00e9").encode("utf-8") + b"\xff\xfe broken tail\n")
    good["bad_utf8"] = "hostilebadutf"

    # Files with nothing to index.
    (root / "empty.txt").write_bytes(b"")
    corpus.skipped["empty.txt"] = ("empty", "no body")
    (root / "blank.md").write_text("   \n\n\t\n", encoding="utf-8")
    corpus.skipped["blank.md"] = ("empty", "no body")
    rng = random.Random(5)
    (root / "binary.txt").write_bytes(bytes(rng.randrange(256) for _ in range(64 * 1024)))
    corpus.skipped["binary.txt"] = ("binary",)
    (root / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 4096 + bytes(rng.randrange(256) for _ in range(4096)))
    corpus.skipped["image.html"] = ("binary",)

    # Huge inputs: a 50 MB article and one 5 MB line. Written in chunks, not built in memory.
    with open(root / "huge.txt", "w", encoding="utf-8") as handle:
        handle.write("Hostilehuge report on the water treaty\n\n")
        chunk = (_PARAGRAPH + "\n\n") * 200
        written = 0
        while written < BIG_ARTICLE_BYTES:
            handle.write(chunk)
            written += len(chunk)
    good["huge"] = "hostilehuge"
    words = ("alpha", "river", "treaty", "talks", "water", "border", "minister", "council")
    line = " ".join(rng.choice(words) for _ in range(ONE_LINE_BYTES // 6))
    (root / "one_line.txt").write_text("Hostileoneline " + line[:ONE_LINE_BYTES], encoding="utf-8")
    corpus.one_line = ("one_line.txt", "one_line", "hostileoneline")

    # JSON: one good object, one malformed document, one list with a non-object in it.
    (root / "one.json").write_text(json.dumps({"id": "json-good", "title": "Hostilejson title", "body": _PARAGRAPH}), encoding="utf-8")
    good["json-good"] = "hostilejson"
    (root / "malformed.json").write_text('{"title": "Broken", "body": "never closed', encoding="utf-8")
    corpus.skipped["malformed.json"] = ("json",)
    (root / "list.json").write_text(
        json.dumps([{"id": "json-list-1", "title": "Hostilelist item", "body": _PARAGRAPH}, 42]), encoding="utf-8"
    )
    good["json-list-1"] = "hostilelist"
    corpus.skipped["list.json#2"] = ("object",)

    # JSONL: good lines around one bad line and one non-object line.
    lines = [
        json.dumps({"id": "jsonl-1", "title": "Hostilejsonlone", "body": _PARAGRAPH}),
        '{"id": "jsonl-bad", "title": "bad line", "body": ',
        json.dumps({"id": "jsonl-3", "title": "Hostilejsonlthree", "body": _PARAGRAPH}),
        "[1, 2, 3]",
        json.dumps({"id": "jsonl-5", "title": "Hostilejsonlfive", "body": _PARAGRAPH}),
    ]
    (root / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    good.update({"jsonl-1": "hostilejsonlone", "jsonl-3": "hostilejsonlthree", "jsonl-5": "hostilejsonlfive"})
    corpus.skipped["feed.jsonl:2"] = ("json",)
    corpus.skipped["feed.jsonl:4"] = ("object",)

    # CSV: embedded newlines in quoted fields, a short row (missing columns), an empty body.
    (root / "table.csv").write_text(
        "id,title,body,date\n"
        'csv-1,Hostilecsvone,"First line of the body.\nSecond line, with a comma.\n\nThird paragraph.",2020-01-15\n'
        "csv-2,Hostilecsvtwo\n"
        f'csv-3,Hostilecsvthree,"{_PARAGRAPH}"\n'
        "csv-4,Hostilecsvfour,,2020-02-01\n",
        encoding="utf-8",
    )
    good.update({"csv-1": "hostilecsvone", "csv-3": "hostilecsvthree"})
    corpus.skipped["table.csv#2"] = ("body",)
    corpus.skipped["table.csv#4"] = ("body",)
    (root / "nobody.csv").write_text("name,age\nalice,3\n", encoding="utf-8")
    corpus.skipped["nobody.csv"] = ("body",)

    # HTML carrying script: the text is an article, the script is not.
    (root / "scripted.html").write_text(
        "<!doctype html><html><head><title>Hostilehtml &lt;b&gt; title</title>"
        "<script>window.hostilescriptbody = 1; alert('x')</script></head>"
        '<body onload="hostileonload()"><article><h1>Hostilehtml headline</h1>'
        f'<p onclick="alert(1)">{_PARAGRAPH}</p>'
        '<p><a href="javascript:hostilejsurl()">a link</a> <img src=x onerror="alert(2)"></p>'
        "<script>document.write('hostilescriptinline')</script>"
        "<p>&lt;script&gt;alert('escaped text stays text')&lt;/script&gt;</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    good["scripted"] = "hostilehtml"
    corpus.forbidden = ("hostilescriptbody", "hostilescriptinline")

    # Deeply nested markup: 100k nested divs around a paragraph.
    with open(root / "nested.html", "w", encoding="utf-8") as handle:
        handle.write("<html><head><title>Hostilenested page</title></head><body>")
        handle.write("<div>" * NESTED_DIVS)
        handle.write(f"<p>{_PARAGRAPH}</p>")
        handle.write("</div>" * NESTED_DIVS)
        handle.write("</body></html>")
    good["nested"] = "hostilenested"

    # Symlink loops: a folder linking to itself, two files linking to each other.
    loop = root / "loop"
    loop.mkdir()
    (loop / "inside.txt").write_text(_article_text("hostileloop"), encoding="utf-8")
    good["loop/inside"] = "hostileloop"
    os.symlink(".", loop / "again")
    os.symlink("ping.txt", root / "pong.txt")
    os.symlink("pong.txt", root / "ping.txt")
    corpus.skipped["ping.txt"] = ("link", "loop")
    corpus.skipped["pong.txt"] = ("link", "loop")
    return corpus


def write_unreadable(root: Path) -> tuple[Path, Path]:
    """A file and a folder no one but root may read (mode 000); returns both."""
    secret = root / "secret.txt"
    secret.write_text(_article_text("hostilesecret"), encoding="utf-8")
    secret.chmod(0)
    closed = root / "closed"
    closed.mkdir()
    (closed / "hidden.txt").write_text(_article_text("hostilehidden"), encoding="utf-8")
    closed.chmod(0)
    return secret, closed


# --- The real processes under test -------------------------------------------------------
# The reliability and security tests drive the product as users do: the `newsfacets`
# console script in a child process, the server over real HTTP on a loopback port.

REPO_ROOT = Path(__file__).resolve().parent.parent
TRACEBACK = "Traceback (most recent call last)"


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a child: this checkout's packages first, whatever the install."""
    path = os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **extra}


def newsfacets_command() -> list[str]:
    """The installed console script beside this interpreter, else the same entry point via -m."""
    script = Path(sys.executable).parent / "newsfacets"
    return [str(script)] if script.exists() else [sys.executable, "-m", "newsfacets.cli"]


@dataclass
class Finished:
    """A finished child process: exit code, output, and its peak RSS (children included)."""

    returncode: int
    stdout: str
    stderr: str
    peak_rss_mib: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_newsfacets(*args: str, timeout: float = 120, prefix: tuple[str, ...] = ()) -> Finished:
    """Run `newsfacets ARGS` to completion and measure it with wait4.

    `prefix` runs the command under another (e.g. `setpriv ... --`). wait4 reports the
    child's peak RSS including its own reaped children (the worker
    pool), which is what "memory bounded" means for a user watching `top`.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen([*prefix, *newsfacets_command(), *args], stdout=out, stderr=err, cwd=REPO_ROOT, env=child_env())
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                child.kill()
                os.wait4(child.pid, 0)
                raise AssertionError(f"newsfacets {' '.join(args)} still running after {timeout}s")
            time.sleep(0.05)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Finished(
            child.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            usage.ru_maxrss / 1024,
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`newsfacets serve` on a free loopback port, for as long as the `with` block lasts.

    Its stderr is kept so a test can assert that nothing it did made the server print a
    traceback, which is how a 500 caught by the WSGI server would show.
    """

    def __init__(self, index_dir: Path, *, env: dict[str, str] | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._env = child_env(**(env or {}))
        self._log = tempfile.TemporaryFile()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        command = [*newsfacets_command(), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--index", str(self.index_dir)]
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT, cwd=REPO_ROOT, env=self._env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited with {self.process.returncode}:\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        self.__exit__(None, None, None)
        raise AssertionError(f"server did not listen on {self.url} within 30 s:\n{self.log()}")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")


def stored_documents(index_dir: Path) -> dict[str, dict]:
    """Every stored document of the live generation, by id (opened the way readers open it)."""
    from index.store import open_index

    ix = open_index(index_dir)
    try:
        with ix.searcher() as searcher:
            return {fields["id"]: fields for fields in searcher.all_stored_fields()}
    finally:
        ix.close()


_WORDS = (
    "council minister border river treaty talks water harvest election court protest port "
    "railway budget drought refugees ceasefire parliament strike bank inflation vaccine "
    "hospital school bridge flood market export mine pipeline convoy airport"
).split()


def write_generated_articles(path: Path, count: int, marker: str, *, seed: int = 0) -> Path:
    """`count` plausible articles in one JSONL file, each carrying `marker` in its title.

    Enough text per article that indexing thousands takes seconds, so an indexer can be
    interrupted at chosen points; made of our own words, not any research corpus.
    """
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for number in range(count):
            sentences = [
                " ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 16))).capitalize() + "."
                for _ in range(rng.randint(6, 14))
            ]
            record = {
                "id": f"{marker}-{number}",
                "title": f"{marker} {rng.choice(_WORDS)} {rng.choice(_WORDS)} report {number}",
                "body": " ".join(sentences),
                "date": f"20{10 + number % 12:02d}-{1 + number % 12:02d}-{1 + number % 28:02d}",
                "source": rng.choice(("Daily Wire Service", "Evening Ledger", "Coastal Post")),
            }
            handle.write(json.dumps(record) + "\n")
    return path


def write_old_and_new_corpora(
    base: Path, old: tuple[str, int], new: tuple[str, int], *, seed: int
) -> tuple[Path, Path]:
    """Folders `base/old` and `base/new`, each one generated corpus (marker, count), so a test
    can index one and rebuild to the other and tell by marker which one an answer came from.

    The two use seeds `seed` and `seed + 1`.
    """
    (old_marker, old_count), (new_marker, new_count) = old, new
    return (
        write_generated_articles(base / "old" / "old.jsonl", old_count, old_marker, seed=seed).parent,
        write_generated_articles(base / "new" / "new.jsonl", new_count, new_marker, seed=seed + 1).parent,
    )


def start_newsfacets(*args: str) -> subprocess.Popen:
    """Start `newsfacets ARGS` in its own session, so the test can end it and its workers."""
    return subprocess.Popen(
        [*newsfacets_command(), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO_ROOT,
        env=child_env(),
        start_new_session=True,
    )


def end_session(process: subprocess.Popen) -> None:
    """SIGKILL what is left of a session started by `start_newsfacets` and reap its leader."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate()


# Script in every field a user's data can fill, each payload tagged so a leak is traceable.
XSS_ID = "xss-stored"
XSS_RECORD = {
    "id": XSS_ID,
    "title": "<script>alert('xsstitle')</script>Ceasefire talks <img src=x onerror=alert('xssimg')> collapse",
    "body": (
        "Ceasefire talks collapsed on Monday. </mark><script>alert('xssbody')</script> "
        '<a href="javascript:alert(\'xsshref\')">details</a> "><svg onload=alert(\'xsssvg\')> '
        "<iframe src=//evil.example/xssframe></iframe> The ceasefire talks may resume. "
        "{{ 7*7 }} ${7*7} <% xsstemplate %>"
    ),
    "url": "javascript:alert('xssurl')",
    "source": "<b onmouseover=alert('xsssource')>Evil Source</b>",
    "date": "2020-03-05",
}


def write_served_corpus(root: Path, *, count: int = 60) -> Path:
    """The corpus the security tests serve: plain generated articles, one carrying script
    in every field, and one article in a subfolder (an id with a slash, a legitimate one)."""
    write_generated_articles(root / "news.jsonl", count, "served", seed=3)
    (root / "xss.jsonl").write_text(json.dumps(XSS_RECORD) + "\n", encoding="utf-8")
    (root / "sub").mkdir(parents=True, exist_ok=True)
    (root / "sub" / "plain.txt").write_text(_article_text("servedsub"), encoding="utf-8")
    return root

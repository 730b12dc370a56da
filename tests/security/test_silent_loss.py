"""Nothing a user wrote may vanish without a word: a key written twice in one mapping, anywhere
in any content file, is refused by the loader (YAML forbids it, and a parser keeps one of the
two silently; so does any later code that looks a key up by itself, such as the local layer's
sections), and so is one in a file of the card's words; nor may what a command makes (a graph,
routes, a schema) when it has no output to go to. Folders that cannot be read are in
test_hostile_reads.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile import build_over_good, dump, plan_files

LOCAL = dump(plan_files()["content/local.yaml"])
TRANSLATION = dump(plan_files()["content/translations/en.yaml"])
DEFAULT = Path(__file__).resolve().parents[2]  # the repository, with the default plan
CONTACTS = "contacts:\n  raad:\n    phone: '+45 11 22 33 44'\n"

# id: (file, its text, the line of the second key and the line of the first)
DUPLICATES: dict[str, tuple[str, str, int, int]] = {
    "local-two-contacts-sections": (
        "content/local.yaml",
        LOCAL + CONTACTS + "contacts:\n  alarm:\n    phone: '113'\n",
        LOCAL.count("\n") + 4,
        LOCAL.count("\n") + 1,
    ),
    "local-two-local-sections": (
        "content/local.yaml",
        LOCAL + "local:\n  municipality: Other\n",
        LOCAL.count("\n") + 1,
        1,
    ),
    "local-two-nodes-sections": (
        "content/local.yaml",
        LOCAL
        + "nodes:\n  done: {kind: outcome, title: A}\nnodes:\n  done: {kind: outcome, title: B}\n",
        LOCAL.count("\n") + 3,
        LOCAL.count("\n") + 1,
    ),
    "contact-field-twice": (
        "content/local.yaml",
        LOCAL + "contacts:\n  raad:\n    phone: '+45 11 22 33 44'\n    phone: '112'\n",
        LOCAL.count("\n") + 4,
        LOCAL.count("\n") + 3,
    ),
    "quoted-and-plain-key": (
        "content/local.yaml",
        LOCAL + CONTACTS + "\"contacts\":\n  alarm:\n    phone: '113'\n",
        LOCAL.count("\n") + 4,
        LOCAL.count("\n") + 1,
    ),
    "flow-mapping": (
        "content/extra.yaml",
        "laws:\n  extra: {title: A, title: B}\n",
        2,
        2,
    ),
    "translation-two-nodes-sections": (
        "content/translations/en.yaml",
        TRANSLATION + "nodes:\n  done: {title: Again}\n",
        TRANSLATION.count("\n") + 1,
        TRANSLATION.splitlines().index('"nodes":') + 1,
    ),
    "word-of-the-card-twice": (
        "templates/i18n/da.yaml",
        "back: Tilbage\nstart_over: Forfra\nback: Frem\n",
        3,
        1,
    ),
    "inside-an-anchored-mapping": (
        "content/extra.yaml",
        "laws:\n  one: &law\n    title: A\n    title: B\n  two: *law\n",
        4,
        3,
    ),
}


@pytest.mark.parametrize("name", list(DUPLICATES))
def test_a_key_written_twice_is_refused_wherever_it_is(name: str, tmp_path: Path) -> None:
    file, text, line, first = DUPLICATES[name]
    result = build_over_good(tmp_path, {file: text})
    result.assert_refused(f"{file}:{line}:", f"already on line {first}")
    errors = [row for row in result.output.splitlines() if ": error: " in row]
    assert len(errors) == 1, errors  # once, however many aliases name the mapping


@pytest.mark.parametrize("command", [["graph"], ["paths"], ["schema", "content"]])
def test_a_commands_output_with_nowhere_to_go_is_an_error(command: list[str]) -> None:
    """Started with its standard output closed (`>&-`), a command that writes its result there
    says so and fails, as any program does, instead of ending well with the result lost."""
    args = [*command, str(DEFAULT)] if command[0] != "schema" else command
    done = subprocess.run(
        [sys.executable, "-m", "actionplan", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: os.close(1),
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "<stdout>: error:" in done.stderr
    assert "Traceback" not in done.stderr

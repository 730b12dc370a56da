"""tel: links: a phone number and nothing else, shown in the link's own text.

A phone dials what follows tel: as it is: '*21*…#' sets up call forwarding, ',' and ';' pause
and dial on, letters become digits. Behind an innocent label ("Ring 112") such a link does
what the reader never agreed to. A tel: link in Markdown must call a phone number (digits,
spaces, '+', '-', brackets; the rule of a contact's phone field), and its text must show that
number; both are errors at the link's line, and the renderer on its own makes no link of the
first. Contacts' phones are held to the same rule.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile import Audit, build_over_good, plan_files
from test_hostile_content import BASE_MARKDOWN, links_in

from actionplan.card import markdown

# id: the link, refused as no phone number
NOT_A_NUMBER = {
    "call-forwarding": "[Ring 112](tel:*21*12345678#)",
    "forwarding-percent-escaped": "[Ring 112](tel:%2A21%2A12345678%23)",
    "service-code": "[Ring 112](tel:*%2306%23)",
    "hash-only": "[Ring 112](tel:112#)",
    "pause-and-dial-on": "[Ring 112](tel:112,,1234)",
    "wait-and-dial-on": "[Ring 112](tel:112;1234)",
    "extension-parameter": "[Ring 112](tel:112;ext=99)",
    "letters": "[Ring 112](tel:1-800-FLOWERS)",
    "upper-case-scheme": "[Ring 112](TEL:*21*1#)",
    "entity-spelt-scheme": "[Ring 112](&#116;el:*21*1#)",
    "autolink": "<tel:*21*12345678#>",
    "empty": "[Ring 112](tel:)",
}
# id: the link, refused as its text does not show the number
NOT_SHOWN = {
    "another-number": "[Ring 112](tel:+4512345678)",
    "no-number": "[Ring politiet](tel:114)",
    "one-digit-off": "[Ring 113](tel:112)",
    "part-of-the-number": "[Ring 2](tel:112)",
    "number-in-code-elsewhere": "[Ring `116`](tel:116111)",
}
# id: the link, accepted
SHOWN = {
    "same-digits": "[114](tel:114)",
    "words-around": "[Ring 114](tel:114)",
    "spaced": "[Ring 116 111](tel:116111)",
    "country-code-in-link": "[70 20 20 30](tel:+4570202030)",
    "country-code-in-text": "[+45 70 20 20 30](tel:70202030)",
    "emphasis": "[Ring **114**](tel:114)",
    "brackets-and-dash": "[(+45) 70-20-20-30](tel:+45-70-20-20-30)",
    "percent-escaped-space": "[Ring 33 14 14 48](tel:33%2014%2014%2048)",
}


def assert_refused_in_every_place(tmp_path: Path, link: str, message: str) -> None:
    result = build_over_good(tmp_path, plan_files(links_in(BASE_MARKDOWN, link)))
    result.assert_refused(message)
    refused = [line for line in result.output.splitlines() if message in line]
    assert len(refused) == len(BASE_MARKDOWN), result.output


@pytest.mark.parametrize("name", list(NOT_A_NUMBER))
def test_a_tel_link_to_anything_but_a_number_is_refused(name: str, tmp_path: Path) -> None:
    message = "error: a tel: link must be a phone number and nothing else"
    assert_refused_in_every_place(tmp_path, NOT_A_NUMBER[name], message)


@pytest.mark.parametrize("name", list(NOT_SHOWN))
def test_a_tel_link_whose_text_hides_its_number_is_refused(name: str, tmp_path: Path) -> None:
    assert_refused_in_every_place(tmp_path, NOT_SHOWN[name], "does not show that number")


def test_tel_links_that_show_their_number_are_built(tmp_path: Path) -> None:
    result = build_over_good(
        tmp_path, plan_files(links_in(BASE_MARKDOWN, " ".join(SHOWN.values())))
    )
    result.assert_built()
    Audit(result.html).assert_safe()
    for link in SHOWN.values():
        href = link.split("](")[1].rstrip(")")
        assert f'href="{href}"' in result.html


@pytest.mark.parametrize("name", list(NOT_A_NUMBER))
def test_the_renderer_makes_no_tel_link_to_anything_but_a_number(name: str) -> None:
    for html in (markdown.render(NOT_A_NUMBER[name]), markdown.render_inline(NOT_A_NUMBER[name])):
        assert "href" not in html, html


@pytest.mark.parametrize("phone", ["*21*12345678#", "112#", "112,1234", "112;ext=1", "FLOWERS"])
def test_a_contacts_phone_is_a_number_and_nothing_else(phone: str, tmp_path: Path) -> None:
    files = plan_files()
    files["content/contacts.yaml"]["contacts"]["raad"]["phone"] = phone
    result = build_over_good(tmp_path, {"content/contacts.yaml": files["content/contacts.yaml"]})
    result.assert_refused("is not a phone number")

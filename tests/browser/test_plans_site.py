"""A project of several plans in a browser: from the index into each card and back, in each
language, with and without JavaScript, with links between the plans; no request, axe clean."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from actionplan.commands.build import build_site
from actionplan.project import Project

pytestmark = pytest.mark.browser

SHELF = Path(__file__).resolve().parent.parent / "fixtures" / "plans" / "shelf"
PAGES = ("plans.html", "index.html", "second/index.html", "third/index.html")
PLANS = {  # title in Danish, in English (the third has no English), its card
    "index.html": ("Fixture plan one", "Fixture plan one (en)"),
    "second/index.html": ("Fixture plan two", "Fixture plan two (en)"),
    "third/index.html": ("Fixture plan three", "Fixture plan three"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = Path(shutil.copytree(SHELF, tmp_path_factory.mktemp("shelf") / "shelf"))
    build_site(Project.find(project))
    return project / "build"


@pytest.fixture
def open_site(new_page: Callable[..., Page], site: Path) -> Callable[..., Page]:
    """A page that may load the site's four pages and nothing else, at the index."""

    def make(**options: object) -> Page:
        allow = tuple((site / name).as_uri() for name in PAGES)
        page = new_page(allow=allow, viewport={"width": 1280, "height": 800}, **options)
        page.goto((site / "plans.html").as_uri())
        return page

    return make


def visible_h1(page: Page) -> str:
    return page.locator("h1:visible").first.inner_text().strip()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["da", "en"])
def test_from_the_index_into_each_card_and_back(
    open_site: Callable[..., Page], site: Path, javascript: bool, lang: str
) -> None:
    page = open_site(java_script_enabled=javascript)
    index_title = "Alle handleplaner" if lang == "da" else "All action plans"
    if lang == "en":
        page.locator(".ap-index:visible .ap-languages").get_by_role("link", name="English").click()
    assert visible_h1(page) == index_title
    for card, titles in PLANS.items():
        title = titles[0] if lang == "da" else titles[1]
        page.locator(".ap-index:visible").get_by_role("link", name=title, exact=True).click()
        expect(page).to_have_url(re.compile(re.escape((site / card).as_uri())))
        assert visible_h1(page) == title
        # The card's way back, in its language: the index in that language (the third plan,
        # in Danish only, leads back to the Danish index).
        page.locator(".ap-shelf:visible").click()
        expect(page).to_have_url(re.compile(re.escape((site / "plans.html").as_uri())))
        in_danish = lang == "da" or title == titles[0]
        assert visible_h1(page) == ("Alle handleplaner" if in_danish else "All action plans")
        if in_danish and lang == "en":
            break


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_link_from_a_step_leads_to_the_other_plan(
    open_site: Callable[..., Page], site: Path, javascript: bool
) -> None:
    page = open_site(java_script_enabled=javascript)
    page.goto((site / "index.html").as_uri() + "#one-call")
    page.locator("a:visible", has_text="the second plan").first.click()
    expect(page).to_have_url(re.compile(re.escape((site / "second/index.html").as_uri())))
    expect(page.locator("h2:visible", has_text="Start of case two").first).to_be_visible()
    page.locator("a:visible", has_text="the first plan").first.click()
    expect(page).to_have_url(re.compile(re.escape((site / "index.html").as_uri()) + "$"))
    assert visible_h1(page) == "Fixture plan one"


@pytest.mark.parametrize("lang", ["da", "en"])
def test_axe_finds_nothing_on_the_index_or_the_cards(
    open_site: Callable[..., Page], site: Path, lang: str
) -> None:
    page = open_site()
    found = []
    for name in ("plans.html", *PLANS):
        fragment = "" if lang == "da" else "#en" if name == "plans.html" else ""
        page.goto((site / name).as_uri() + fragment)
        for v in Axe().run(page).response["violations"]:
            found.append(f"{name}{fragment}: {v['id']}: {v['help']} {v['nodes'][0]['html'][:100]}")
    assert not found, "\n".join(found)


def test_the_printed_index_is_one_page(open_site: Callable[..., Page], tmp_path: Path) -> None:
    page = open_site()
    pdf = page.pdf(format="A4", path=tmp_path / "plans.pdf")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # page objects, not /Pages
    page.emulate_media(media="print")
    expect(page.locator(".ap-emergency:visible")).to_contain_text("112")
    expect(page.locator(".ap-shelf-plan:visible")).to_have_count(3)

"""Focus indicators measure at least 3:1 (WCAG 2.1 SC 1.4.11 non-text contrast, SC 2.4.7 focus visible).

Issue #25 measured Pico's default rings by hand: 1.77:1 (links, radios, primary buttons), 1.4:1 (secondary
buttons), 1.84:1 (the public survey's amber outline). Here real pages are opened in chromium, a link, a primary
button, a secondary button, a radio, a select and a file input are focused from the keyboard, and the ring the browser
actually draws (computed ``outline`` and ``box-shadow``) is measured with the WCAG relative-luminance formula against
the colours it touches (the gap filled by the box-shadow, the background around the control) and against the
control's own background, in the light and the dark colour scheme. docs/accessibility.md has the figures.
"""

from __future__ import annotations

import os
import re

import pytest

from tests import factories
from tests.browser.test_login_journey import log_in
from tests.browser.test_survey_journey import campaign  # noqa: F401 - the fixture
from tests.test_answer_services import build_world
from zi.organisations.models import Role

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # markup and styles do not depend on the database: checked once, in the SQLite pass (CI time)
    pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs once, in the SQLite pass"),
]

MIN_RATIO = 3.0
RGB = re.compile(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)")

# what the page says about one focused element: its ring, the gap colour, the background around it, its own
# background (the first opaque one of the element, or for a transparent control such as a link, of its ancestors)
MEASURE = """async el => {
  await Promise.all(el.getAnimations().map(a => a.finished));  // Pico fades box-shadow and colours in over .2s
  const cs = getComputedStyle(el);
  const opaque = node => {
    for (; node && node.nodeType === 1; node = node.parentElement) {
      const bg = getComputedStyle(node).backgroundColor;
      const alpha = bg.startsWith('rgba') ? parseFloat(bg.split(',')[3]) : 1;
      if (alpha > 0.99) return bg;
    }
    return 'rgb(255, 255, 255)';
  };
  return {
    focused: document.activeElement === el, visible: el.matches(':focus-visible'),
    outlineColor: cs.outlineColor, outlineStyle: cs.outlineStyle, outlineWidth: parseFloat(cs.outlineWidth),
    outlineOffset: parseFloat(cs.outlineOffset), boxShadow: cs.boxShadow,
    own: opaque(el), around: opaque(el.parentElement),
  };
}"""


def rgb(css: str) -> tuple[float, float, float, float]:
    match = RGB.search(css)
    assert match, f"not a colour: {css!r}"
    r, g, b, a = match.groups()
    return float(r), float(g), float(b), float(a) if a is not None else 1.0


def luminance(colour: tuple[float, ...]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in colour[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_the_known_figures():
    """The formula reproduces WCAG's anchors and the issue's measurement of Pico's ring (rgba(0,166,110,.5) on
    white, composited: rgb(127.5, 210.5, 182.5))."""
    assert round(contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert 1.77 <= contrast((127.5, 210.5, 182.5), (255, 255, 255)) < 1.78
    assert contrast((255, 255, 255), (255, 255, 255)) == 1.0


def assert_ring(page, locator, what: str) -> dict[str, float]:
    """Focus ``locator`` as a keyboard user would and assert its ring is at least 3:1 where it is drawn."""
    page.keyboard.press("Shift")  # a key press first: script focus after keyboard use shows :focus-visible
    locator.focus()
    m = locator.evaluate(MEASURE)
    assert m["focused"] and m["visible"], f"{what}: not focused from the keyboard ({m})"
    assert m["outlineStyle"] == "solid" and m["outlineWidth"] >= 2, f"{what}: no solid ring of 2px or more ({m})"
    ring = rgb(m["outlineColor"])
    assert ring[3] == 1.0, f"{what}: translucent ring {m['outlineColor']}"
    ratios = {"around": contrast(ring, rgb(m["around"])), "own background": contrast(ring, rgb(m["own"]))}
    if m["outlineOffset"] > 0:  # the gap between control and ring shows the box-shadow (or else the background)
        gap = rgb(m["boxShadow"]) if m["boxShadow"] != "none" else rgb(m["around"])
        assert m["boxShadow"] == "none" or m["boxShadow"].endswith(f"0px 0px 0px {m['outlineOffset']:g}px"), m
        ratios["gap"] = contrast(ring, gap)
    for where, ratio in ratios.items():
        assert ratio >= MIN_RATIO, f"{what}: ring {m['outlineColor']} is {ratio:.2f}:1 against the {where} ({m})"
    return ratios


@pytest.fixture
def people(tree):
    world = build_world(tree)
    factories.make_user_with_role(Role.AGENCY_ADMIN, agency=tree["lapas"].agency, username="admin")
    return world


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_focus_rings_on_the_signed_in_pages(browser, live_server, people, scheme):
    context = browser.new_context(
        base_url=live_server.url, locale="id-ID", color_scheme=scheme, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    try:
        log_in(page, "anggota")
        page.goto(f"/penilaian/{people['assessment'].pk}/")
        main = page.locator("main")
        assert_ring(page, main.locator("a[href]:not([role=button])").first, "link")
        assert_ring(page, main.locator("a[role=button].secondary, button.secondary").first, "secondary button")
        assert_ring(page, main.locator("input[type=radio]").first, "radio")
        assert_ring(page, main.locator("textarea, input[type=text], input[type=number]").first, "text field")

        page.context.clear_cookies()
        log_in(page, "admin")
        page.goto("/unit/impor/")
        form = page.locator("main form")
        assert_ring(page, form.get_by_role("button", name="Impor", exact=True), "primary button")
        assert_ring(page, form.get_by_role("button", name="Periksa saja"), "secondary button")
        assert_ring(page, form.locator("select").first, "select")
        assert_ring(page, form.locator("input[type=file]"), "file input")
        assert_ring(page, page.get_by_role("navigation", name="Navigasi utama").get_by_role("link").first, "nav link")
    finally:
        context.close()


def test_focus_rings_on_the_public_survey(page, campaign):  # noqa: F811 - the fixture
    page.goto(f"/survei/s/{campaign.token}/")
    assert_ring(page, page.locator("main input[type=radio]").first, "survey radio")
    assert_ring(page, page.get_by_role("button", name="Kirim jawaban"), "survey submit button")
    assert_ring(page, page.locator(".lang-switch button").first, "survey language button")

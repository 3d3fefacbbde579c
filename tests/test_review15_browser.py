"""Review of the step-through page (#15) in headless Chromium: a program whose comment holds
``<!--<script>`` is drawn (it used to leave the page blank), and Alt/Ctrl + arrow keys are
left to the browser (Alt+← is Back) instead of stepping. Skipped where chromium is missing."""

from __future__ import annotations

import os
import tempfile

import pytest

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
    pytest.skip("Debian's chromium and chromium-driver are not installed (.ci/run installs them)", allow_module_level=True)

from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

COMMENT = "# a note: <!--<script> and </script> in a comment\nf = x*2"


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    with tempfile.TemporaryDirectory() as profile:
        for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
        try:
            yield driver
        finally:
            driver.quit()


def opened(cli, browser, tmp_path, *words: str) -> None:
    page = tmp_path / "page.html"
    run = cli("grad", *words, "--html", str(page), "--quiet")
    assert run.code == 0, run.err
    browser.get(page.as_uri())


def step(browser) -> int:
    return int(browser.find_element(By.ID, "step").get_attribute("data-step"))


def test_a_comment_with_script_markup_still_draws_the_page(cli, browser, tmp_path):
    opened(cli, browser, tmp_path, COMMENT, "-x", "1.5")
    names = sorted(node.get_attribute("data-name") for node in browser.find_elements(By.CSS_SELECTOR, "g.node"))
    assert names == ["f", "x"]
    assert browser.find_element(By.ID, "step").get_attribute("data-last") == "3"
    browser.find_element(By.ID, "all").click()
    grads = {
        n.get_attribute("data-name"): n.find_element(By.CSS_SELECTOR, "text.grad").text
        for n in browser.find_elements(By.CSS_SELECTOR, "g.node")
    }
    assert grads == {"x": "∂f/∂x = 2", "f": "∂f/∂f = 1"}


def test_modified_arrow_keys_are_left_to_the_browser(cli, browser, tmp_path):
    opened(cli, browser, tmp_path, "x*x", "-x", "3")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.ARROW_RIGHT)
    assert step(browser) == 1
    body.send_keys(Keys.CONTROL, Keys.ARROW_RIGHT)
    assert step(browser) == 1
    body.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)  # to the last step: x*x's two edges, each named
    assert step(browser) == 3
    line = browser.find_element(By.ID, "line").text
    assert "x: ∂f/∂f × ∂f/∂x₍₁₎ = 1 × 3 = 3\nx: ∂f/∂f × ∂f/∂x₍₂₎ = 1 × 3 = 3" in line
    body.send_keys(Keys.ARROW_RIGHT)  # past the end: stays
    assert step(browser) == 3

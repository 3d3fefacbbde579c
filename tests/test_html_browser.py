"""The HTML page (``grad --html FILE``) in a real browser: headless Chromium through Selenium.

Each case steps through the whole page by ArrowRight key presses and reads from the DOM
(the contract in backprop_cli/render/html_page.py) that every node shows the gradient
``grad --json`` gives, to the digits shown. Skipped where Debian's chromium or
chromium-driver is missing (.ci/run installs them).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from pathlib import Path

import pytest

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
    pytest.skip("Debian's chromium and chromium-driver are not installed (.ci/run installs them)", allow_module_level=True)

from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

SEED = ["(x+y)*z", "-x", "-2", "-y", "5", "-z", "-4"]
NEURON = ["1/(1+exp(-(w0*x0+w1*x1+w2)))", "w0=2", "x0=-1", "w1=-3", "x1=-2", "w2=-3"]
PROGRAM = ["q = x + y\nf = q * z", "-x", "-2", "-y", "5", "-z", "-4"]
VECTOR = ["sum((W @ x)**2)", "W=[[0.1,0.5],[-0.3,0.8]]", "x=[0.2,0.4]"]


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module, with a fresh profile; Selenium Manager never downloads."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    with tempfile.TemporaryDirectory() as profile:
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
        flags += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
        for flag in [*flags, f"--user-data-dir={profile}", "--window-size=1400,900"]:
            options.add_argument(flag)
        driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
        try:
            yield driver
        finally:
            driver.quit()


def open_page(cli, browser, tmp_path: Path, args: list[str]) -> dict:
    """Write the page with --html, open it from disk; returns ``grad --json``'s document."""
    page = tmp_path / "page.html"
    run = cli("grad", *args, "--json", "--html", str(page))
    assert run.code == 0, run.err
    browser.get(page.as_uri())
    return run.json()


def step_label(browser) -> tuple[int, int]:
    label = browser.find_element(By.ID, "step")
    return int(label.get_attribute("data-step")), int(label.get_attribute("data-last"))


def press(browser, key: str, times: int) -> None:
    body = browser.find_element(By.TAG_NAME, "body")
    for _ in range(times):
        body.send_keys(key)


def shown_grads(browser) -> dict[str, str]:
    """Each box's name -> the number its ``.grad`` text shows (empty while not reached)."""
    found = {}
    for node in browser.find_elements(By.CSS_SELECTOR, "g.node"):
        text = node.find_element(By.CSS_SELECTOR, "text.grad").text
        found[node.get_attribute("data-name")] = text.partition(" = ")[2]
    return found


def expected_grads(document: dict) -> dict:
    grads = {node["name"]: node["grad"] for node in document["nodes"]}
    grads.update({variable["name"]: variable["grad"] for variable in document["variables"]})
    return grads


def close(shown, expected) -> bool:
    """Shown to 6 significant digits: within a relative 5e-6 (arrays element by element)."""
    if isinstance(expected, list):
        return len(shown) == len(expected) and all(close(s, e) for s, e in zip(shown, expected))
    return math.isclose(float(shown), expected, rel_tol=5e-6, abs_tol=1e-12)


def step_through(browser, document: dict, tmp_path: Path, arrays: bool = False) -> None:
    step, last = step_label(browser)
    count = len(document["nodes"])
    assert (step, last) == (0, 2 * count + 1)
    press(browser, Keys.ARROW_RIGHT, count)  # the forward pass: no gradient shown yet
    assert step_label(browser)[0] == count
    assert set(shown_grads(browser).values()) == {""}
    press(browser, Keys.ARROW_RIGHT, last - count)  # the backward pass, node by node
    assert step_label(browser) == (last, last)
    shown, expected = shown_grads(browser), expected_grads(document)
    assert set(shown) == set(expected)
    for name, value in expected.items():
        number = json.loads(shown[name]) if arrays else shown[name]
        assert close(number, value), (name, shown[name], value)
    press(browser, Keys.ARROW_LEFT, 1)
    assert step_label(browser)[0] == last - 1
    press(browser, Keys.ARROW_RIGHT, 1)
    screenshot = tmp_path / "finished.png"
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_seed_example_steps_to_every_gradient(cli, browser, tmp_path):
    document = open_page(cli, browser, tmp_path, SEED)
    press(browser, Keys.ARROW_RIGHT, 1)
    assert browser.find_element(By.ID, "line").text == "s0 = x + y = 3"
    current = browser.find_elements(By.CSS_SELECTOR, "g.node.current")
    assert [node.get_attribute("data-name") for node in current] == ["s0"]
    press(browser, Keys.ARROW_LEFT, 1)
    step_through(browser, document, tmp_path)
    # The last step is s0's: x and y each get upstream × local = downstream.
    line = browser.find_element(By.ID, "line").text
    assert "x: ∂f/∂s0 × ∂s0/∂x = -4 × 1 = -4" in line and "y: ∂f/∂s0 × ∂s0/∂y = -4 × 1 = -4" in line
    edges = {e.get_attribute("data-id"): e.find_element(By.CSS_SELECTOR, "text.bwd").text for e in edge_list(browser)}
    assert edges["e1.1"] == "3"  # z's edge into f: upstream 1 × local s0 = 3


def edge_list(browser):
    return browser.find_elements(By.CSS_SELECTOR, "g.edge")


def test_neuron_steps_to_the_lecture_gradients(cli, browser, tmp_path):
    document = open_page(cli, browser, tmp_path, NEURON)
    assert len(document["nodes"]) == 8
    step_through(browser, document, tmp_path)
    shown = shown_grads(browser)
    assert [shown[name] for name in ("w0", "x0", "w1", "x1", "w2")] == [
        "-0.196612",
        "0.393224",
        "-0.393224",
        "-0.589836",
        "0.196612",
    ]
    gates = [text.text for text in browser.find_elements(By.CSS_SELECTOR, "g.node text.gate")]
    assert gates == ["*", "*", "+", "+", "*-1", "exp", "+1", "1/x"]  # constants folded in, as the lectures draw them
    left = {name: x for name, x in box_lefts(browser).items()}
    assert max(left[v] for v in ("w0", "x0", "w1", "x1")) < left["s0"] < left["s2"] < left["s5"] < left["f"]


def box_lefts(browser) -> dict[str, float]:
    """Each box's left edge on the screen, read from the browser's own layout."""
    script = "return arguments[0].getBoundingClientRect().left;"
    return {
        n.get_attribute("data-name"): browser.execute_script(script, n) for n in browser.find_elements(By.CSS_SELECTOR, "g.node")
    }


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed (.ci/run installs it)")
def test_graphviz_layout_page_steps_the_same(cli, browser, tmp_path):
    document = open_page(cli, browser, tmp_path, [*NEURON, "--layout", "graphviz"])
    assert browser.execute_script("return typeof dagre;") == "undefined"  # positions embedded, no library
    step_through(browser, document, tmp_path)
    left = box_lefts(browser)
    assert left["w0"] < left["s0"] < left["s5"] < left["f"]


def test_program_with_named_intermediates(cli, browser, tmp_path):
    document = open_page(cli, browser, tmp_path, PROGRAM)
    assert [node["name"] for node in document["nodes"]] == ["q", "f"]
    step_through(browser, document, tmp_path)
    assert shown_grads(browser)["q"] == "-4"
    browser.find_element(By.ID, "reset").click()
    press(browser, Keys.ARROW_RIGHT, 1)
    assert browser.find_element(By.ID, "line").text == "q = x + y = 3"


def test_vector_example_shows_shapes_and_array_gradients(cli, browser, tmp_path):
    document = open_page(cli, browser, tmp_path, VECTOR)
    step_through(browser, document, tmp_path, arrays=True)
    names = [text.text for text in browser.find_elements(By.CSS_SELECTOR, "g.node text.name")]
    assert "W (2, 2)" in names and "s0 (2,)" in names
    browser.find_element(By.ID, "reset").click()
    browser.find_element(By.ID, "all").click()
    assert step_label(browser)[0] == step_label(browser)[1]

"""Make docs/html-page.png: the neuron's HTML page (``grad --format html``), finished picture.

Usage: ``.venv/bin/python tools/screenshot_html.py [OUT.png]``. Needs selenium (the test
extras) and Debian's chromium + chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

ROOT = Path(__file__).resolve().parent.parent
NEURON = ["1/(1+exp(-(w0*x0+w1*x1+w2)))", "w0=2", "x0=-1", "w1=-3", "x1=-2", "w2=-3"]
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def browser(profile: str, width: int = 1200, height: int = 700) -> webdriver.Chrome:
    """Headless Chromium driven by Debian's chromedriver (Selenium Manager never downloads)."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in [*CHROME_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"]:
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(executable_path="/usr/bin/chromedriver"))


def main(out: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "neuron.html"
        command = [sys.executable, "-m", "backprop_cli", "grad", *NEURON, "--html", str(page), "--quiet", "--lang", "en"]
        subprocess.run(command, check=True, capture_output=True)
        driver = browser(str(Path(folder) / "profile"), 1500, 600)
        try:
            driver.get(page.as_uri())
            driver.find_element(By.ID, "all").click()
            driver.save_screenshot(out)
        finally:
            driver.quit()
    print(out)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "docs" / "html-page.png"))

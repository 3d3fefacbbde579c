"""Review of the step-through page (#15), without a browser: a comment that would blank the
page, the lines of an input read twice, the output's gradient at the seed, vector mode's
--wrt (every node's gradient still shown), constants-only gates, ``--html -``.
(tests/test_review15_browser.py opens the pages these fixes are about in Chromium.)"""

from __future__ import annotations

import json
import re

SEED = ["(x+y)*z", "-x", "-2", "-y", "5", "-z", "-4"]
COMMENT = "# a note: <!--<script> and </script> in a comment\nf = x*2"


def page_data(text: str) -> dict:
    found = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', text, re.S)
    return json.loads(found.group(1))


def boxes(data: dict) -> dict:
    return {box["name"]: box for box in data["boxes"] if box["kind"] != "sink"}


def test_a_comment_with_script_markup_cannot_break_out_of_the_facts(cli):
    run = cli("grad", COMMENT, "-x", "1", "--format", "html")
    assert run.code == 0, run.err
    facts = re.search(r'id="page-data">(.*?)</script>', run.out, re.S).group(1)
    assert "<" not in facts  # every < is \u003c: no <!--, <script or </script> for the HTML parser
    assert page_data(run.out)["expression"] == COMMENT


def test_an_input_read_twice_names_each_edge_as_explain_does(cli):
    data = page_data(cli("grad", "x*x", "-x", "3", "--format", "html").out)
    assert boxes(data)["f"]["backward"] == ["x: ∂f/∂f × ∂f/∂x₍₁₎ = 1 × 3 = 3", "x: ∂f/∂f × ∂f/∂x₍₂₎ = 1 × 3 = 3"]
    assert boxes(data)["x"]["gradText"] == "∂f/∂x = 6"  # the two edges' sum
    explain = cli("grad", "x*x", "-x", "3", "--explain").out
    assert "∂f/∂x += ∂f/∂f · ∂(x * x)/∂x₍₁₎ = (1) · (3) = 3" in explain


def test_the_output_gradient_is_complete_at_the_seed_even_when_a_later_statement_reads_it(cli):
    program = "q = x + y\nf = q * z"
    data = page_data(cli("grad", program, "-x", "1", "-y", "2", "-z", "3", "--output-name", "q", "--format", "html").out)
    assert data["last"] == 5  # 2 nodes: forward 1-2, seed 3, backward f 4, q 5
    assert boxes(data)["q"]["gradStep"] == 3
    assert boxes(data)["q"]["gradText"] == "∂q/∂q = 1"
    assert boxes(data)["x"]["gradStep"] == 5  # once q has passed it back


def test_vector_wrt_does_not_show_pruned_gradients_as_zeros(cli):
    """--wrt restricts the gradients reported; the page still shows every node's real gradient
    (only --quiet prunes the backward pass), never a zero for one it skipped."""
    words = ["sum(tanh(x*x) * y)", "x=[0.2,0.4,1]", "y=[1,2,3]", "--wrt", "y"]
    found = boxes(page_data(cli("grad", *words, "--format", "html").out))
    assert found["y"]["gradText"] == "∂f/∂y = [0.0399787, 0.158649, 0.761594]"  # tanh(x²)
    assert found["s2"]["gradText"] == "∂f/∂s2 = [1, 1, 1]"
    assert found["x"]["gradText"] == "∂f/∂x = [0.399361, 1.55973, 2.51985]"  # 2x·y·(1 - tanh(x²)²)
    full = boxes(page_data(cli("grad", *words[:3], "--format", "html").out))
    assert {name: box["gradText"] for name, box in found.items()} == {name: box["gradText"] for name, box in full.items()}


def test_a_gate_of_constants_only_says_there_is_nothing_to_pass_back(cli):
    data = page_data(cli("grad", "2*3", "--format", "html").out)
    assert boxes(data)["f"]["backward"] == ["f reads only constants: there is nothing to pass back"]


def test_html_to_standard_output_is_refused_before_any_output(cli):
    for target in ("-", ""):
        run = cli("grad", *SEED, "--html", target)
        assert run.code == 2
        assert run.out == ""
        assert run.err == "backprop: error: --html needs a file name; for the page on standard output use --format html\n"


def test_a_stream_that_cannot_encode_the_page_gets_it_in_ascii():
    """Windows' cp1252 stdout redirected to a file cannot encode ∂: the page comes in ASCII,
    the same facts (JSON \\u escapes) and title (&#963;), instead of exit 2."""
    import io

    from backprop_cli import grad
    from backprop_cli.render import html_page

    report = grad("# σ for sigma\nf = (x+y)*z", x=1, y=2, z=3).report
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="cp1252")
    html_page.write_page(report, stream, "dagre")
    text = raw.getvalue().decode("ascii")  # every byte ASCII
    assert "<title>Backward pass step by step: # &#963; for sigma\nf = (x+y)*z</title>" in text
    assert page_data(text) == page_data(html_page.page(report))  # the same facts as the UTF-8 page
    assert page_data(text)["boxes"][0]["gradText"] == "∂f/∂x = 3"
    utf8 = io.StringIO()  # a stream that can: the page as it is, ∂ and all
    html_page.write_page(report, utf8, "dagre")
    assert utf8.getvalue() == html_page.page(report) and "∂f/∂x = 3" in utf8.getvalue()

"""The report's templates: shipped as package data, autoescaped, one table row a line."""

from __future__ import annotations

from importlib import resources

from markupsafe import Markup

from uprising.report import html as page
from uprising.report.format import code, escape


def test_templates_are_package_data():
    folder = resources.files("uprising.report").joinpath("templates")
    names = {entry.name for entry in folder.iterdir()}
    assert {"report.html.j2", "macros.html.j2", "style.css"} <= names


def test_values_are_escaped_and_web_addresses_lose_their_scheme():
    template = page._ENV.from_string(
        '{% from "macros.html.j2" import table %}{{ table(["<h>"], rows, numeric=(1,)) }}'
    )
    text = template.render(
        rows=[["<script>alert('x')</script>", "1"], [code("a&b"), "see https://example.org/x"]]
    )
    assert "<script>" not in text and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text
    assert "<th>&lt;h&gt;</th>" in text
    assert '<td class="num">1</td>' in text and "<td><code>a&amp;b</code></td>" in text
    assert "https://" not in text and "example.org/x" in text
    assert text.count("<tr>") == 3 and "\n" not in text.strip()


def test_markup_passes_once_and_plain_text_is_escaped_once():
    assert escape(Markup("<b>x</b>")) == "<b>x</b>"
    assert escape("<b>") == "&lt;b&gt;"
    assert escape(escape("<b>")) == "&lt;b&gt;"

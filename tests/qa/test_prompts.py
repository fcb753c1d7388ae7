"""Prompt files: loaded by name, fields checked against prompts.toml, values inserted verbatim."""

import pytest

from gsi_explorer import prompts
from gsi_explorer.prompts import PromptError, load_all


def test_shipped_prompts_load_and_declare_their_fields():
    templates = load_all()
    assert {"system", "answer", "source_block", "table_readout"} <= set(templates)
    assert set(templates["answer"].variables) == {"question", "sources", "table"}
    assert templates["system"].render()  # no fields


def _folder(tmp_path, text, variables):
    (tmp_path / "prompts.toml").write_text(f'[greet]\nfile = "greet.txt"\nvariables = {variables}\n', encoding="utf-8")
    (tmp_path / "greet.txt").write_text(text, encoding="utf-8")
    return tmp_path


def test_undeclared_field_is_refused_at_load(tmp_path):
    folder = _folder(tmp_path, "Hello {name}, about {qustion}", '["name", "question"]')
    with pytest.raises(PromptError) as err:
        load_all(folder)
    msg = str(err.value)
    assert "greet.txt" in msg and "qustion" in msg and "question" in msg


def test_missing_prompt_file_names_the_file(tmp_path):
    (tmp_path / "prompts.toml").write_text('[x]\nfile = "nope.txt"\nvariables = []\n', encoding="utf-8")
    with pytest.raises(PromptError, match="nope.txt"):
        load_all(tmp_path)


def test_render_needs_exactly_the_declared_values(tmp_path):
    t = load_all(_folder(tmp_path, "Hello {name}", '["name"]'))["greet"]
    with pytest.raises(PromptError, match="missing"):
        t.render()
    with pytest.raises(PromptError, match="unexpected"):
        t.render(name="a", extra="b")
    # Braces inside a value are data, not fields.
    assert t.render(name="{question} {0}") == "Hello {question} {0}"


def test_unknown_prompt_name_lists_known_ones():
    with pytest.raises(PromptError, match="answer"):
        prompts.load("no-such-prompt")

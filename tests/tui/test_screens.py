"""Charts, export, SQL console and view spec, driven by keys and checked against independent SQL."""

from __future__ import annotations

import time

import duckdb
import pytest

from tests.tui.pilot import settle, table

pytestmark = pytest.mark.anyio


def scalar(ref, sql, params=()):
    return ref.execute(sql, list(params)).fetchone()[0]


async def test_charts_follow_the_filters(make_app, ref):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.browse.show_view(app.view.__class__(filters=app.view.filters.toggle("agency", "MPS")))
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        from gsi_explorer.tui.screens.charts import ChartsScreen

        screen = app.screen
        assert isinstance(screen, ChartsScreen)
        assert set(screen.loaded) == {"time", "region", "official", "lianyungang"}
        per_month = screen.loaded["time"]
        assert list(per_month.values) == ["MPS"]  # only the selected agency is stacked
        expected = dict(ref.execute("SELECT month, count(*) FROM interactions WHERE cn_agency = 'MPS' "
                                    "AND month IS NOT NULL GROUP BY 1").fetchall())
        shown = {m: int(v) for m, v in zip(per_month.labels, per_month.values["MPS"]) if v}
        assert shown == expected
        region = screen.loaded["region"]
        expected_region = dict(ref.execute(
            "SELECT coalesce(region, '(none)'), count(*) FROM interactions WHERE cn_agency = 'MPS' "
            "AND format IN ('bilateral', 'sideline-bilateral') GROUP BY 1").fetchall())
        got = {label: int(sum(v[i] for v in region.values.values())) for i, label in enumerate(region.labels)}
        assert got == expected_region
        # m switches the time chart to quarters
        await pilot.press("m")
        await settle(pilot)
        per_quarter = screen.loaded["time"]
        assert per_quarter.name == "per_quarter"
        assert sum(per_quarter.values["MPS"]) == scalar(
            ref, "SELECT count(*) FROM interactions WHERE cn_agency = 'MPS' AND month IS NOT NULL")
        await pilot.press("escape")
        assert app.screen is app.browse


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
async def test_export_writes_the_whole_filtered_view_after_confirmation(make_app, ref, tmp_path, monkeypatch, fmt):
    monkeypatch.chdir(tmp_path)
    app = make_app(page_size=10)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.browse.show_view(app.view.__class__(filters=app.view.filters.toggle("format", "bilateral")))
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        from gsi_explorer.tui.screens.confirm import ConfirmScreen
        from gsi_explorer.tui.screens.export import ExportScreen

        assert isinstance(app.screen, ExportScreen)
        box = app.screen.query_one("#export-path")
        box.value = ""
        await pilot.press(*f"out.{fmt}", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert not (tmp_path / f"out.{fmt}").exists()  # nothing written before the confirmation
        await pilot.press("y")
        await settle(pilot)
        await pilot.pause(0.2)
    out = tmp_path / f"out.{fmt}"
    assert out.exists()
    reader = "read_csv_auto" if fmt == "csv" else "read_parquet"
    n = duckdb.connect().execute(f"SELECT count(*) FROM {reader}('{out}')").fetchone()[0]
    assert n == scalar(ref, "SELECT count(*) FROM interactions WHERE format = 'bilateral'")


async def test_export_refuses_unknown_extension_and_can_be_declined(make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#export-path").value = ""
        await pilot.press(*"out.xlsx", "enter")
        await pilot.pause()
        assert ".csv or .parquet" in str(app.screen.query_one("#export-error").render())
        app.screen.query_one("#export-path").value = ""
        await pilot.press(*"out.csv", "enter")
        await pilot.pause()
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is app.browse
    assert not (tmp_path / "out.csv").exists()


async def sql_screen(pilot, query: str):
    await pilot.press("colon")
    await pilot.pause()
    screen = pilot.app.screen
    screen.query_one("#sql-editor").text = query
    await pilot.press("ctrl+r")
    return screen


async def test_sql_console_shows_results_and_errors_inline(make_app, ref):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        q = "SELECT cn_agency, count(*) AS n FROM interactions GROUP BY 1 ORDER BY n DESC, 1"
        screen = await sql_screen(pilot, q)
        await settle(pilot)
        expected = [[str(a), str(n)] for a, n in ref.execute(q).fetchall()]
        assert screen.result_rows == expected
        assert f"{len(expected)} rows" in str(screen.query_one("#sql-message").render())
        # a write is refused with a message, the results table is untouched
        screen.query_one("#sql-editor").text = "INSERT INTO interactions (interaction_id) VALUES ('x')"
        await pilot.press("ctrl+r")
        await settle(pilot)
        message = str(screen.query_one("#sql-message").render())
        assert "read-only" in message and screen.query_one("#sql-message").has_class("sql-error")
        assert screen.result_rows == expected
        # a syntax error is shown inline
        screen.query_one("#sql-editor").text = "SELEKT 1"
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "error" in str(screen.query_one("#sql-message").render()).lower()
        await pilot.press("escape")
        assert app.screen is app.browse
    assert scalar(ref, "SELECT count(*) FROM interactions WHERE interaction_id = 'x'") == 0


async def test_sql_console_interrupts_a_long_query(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = await sql_screen(pilot, "SELECT sum(a.range * b.range) FROM range(100000000) a, range(1000) b")
        await pilot.pause(0.5)
        assert screen.running
        started = time.perf_counter()
        await pilot.press("escape")
        await settle(pilot)
        assert time.perf_counter() - started < 30
        assert not screen.running
        assert "cancel" in str(screen.query_one("#sql-message").render()).lower()
        assert app.screen is screen  # Esc stopped the query; it did not leave the console
        screen.query_one("#sql-editor").text = "SELECT 42"
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert screen.result_rows == [["42"]]


async def test_view_spec_shows_copies_and_reopens(make_app, ref):
    from gsi_explorer.data.query import View

    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        view = View(filters=app.view.filters.toggle("agency", "CPLC"), unit="event")
        app.browse.show_view(view)
        await settle(pilot)
        await pilot.press("v")
        await pilot.pause()
        box = app.screen.query_one("#view-spec-input")
        assert box.value == view.to_spec()
        assert view.to_spec() in str(app.screen.query_one("#view-command").render())
        await pilot.press("ctrl+y")
        assert app.clipboard == view.to_spec()
        # garbage: an inline error, nothing changes
        box.value = "unit=sideways"
        await pilot.press("enter")
        await pilot.pause()
        assert "unit" in str(app.screen.query_one("#view-error").render())
        # another spec opens that view
        other = View(filters=View().filters.toggle("format", "multilateral"), sort=(("cn_official", False),))
        box.value = other.to_spec()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is app.browse
        assert app.view == other
        assert table(app).total == scalar(ref, "SELECT count(*) FROM interactions WHERE format = 'multilateral'")


async def test_app_opens_on_a_given_view(make_app, ref):
    from gsi_explorer.data.query import View

    view = View.from_spec(View(filters=View().filters.toggle("year", "2024"), unit="event").to_spec())
    app = make_app(view=view)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert app.view == view
        assert table(app).total == scalar(ref, "SELECT count(DISTINCT event_key) FROM interactions WHERE year = 2024")

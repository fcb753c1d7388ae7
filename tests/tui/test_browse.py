"""The browse screen driven by keys; every number on screen is checked against SQL run independently here."""

from __future__ import annotations

import pytest

from tests.tui.pilot import facet, facet_counts, settle, table, table_lines

pytestmark = pytest.mark.anyio



def scalar(ref, sql, params=()):
    return ref.execute(sql, list(params)).fetchone()[0]


def grouped(ref, sql, params=()):
    return {str(k): n for k, n in ref.execute(sql, list(params)).fetchall()}


async def focus_facet(pilot, name: str) -> None:
    app = pilot.app
    await pilot.press("f")
    while app.focused is not facet(app, name):
        await pilot.press("f")


async def select_value(pilot, name: str, value: str) -> None:
    """Move the highlight of facet `name` to `value` with the arrow keys and press space."""
    await focus_facet(pilot, name)
    lst = facet(pilot.app, name)
    target = [v.value for v in lst.values].index(value)
    await pilot.press("home")
    for _ in range(target):
        await pilot.press("down")
    await pilot.press("space")
    await settle(pilot)


async def test_first_screen_shows_all_interactions_and_both_counts(make_app, ref):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        t = table(app)
        n_int = scalar(ref, "SELECT count(*) FROM interactions")
        n_evt = scalar(ref, "SELECT count(DISTINCT event_key) FROM interactions")
        assert t.total == n_int
        unit = app.screen.query_one("#unit")
        assert unit.counts == {"interaction": n_int, "event": n_evt}
        assert f"{n_int} interactions" in str(app.screen.query_one("#unit-interaction").render())
        assert f"{n_evt} events" in str(app.screen.query_one("#unit-event").render())
        # default sort: newest first over the whole set
        assert t.row(0)[t.columns.index("date")] == scalar(ref, "SELECT max(date) FROM interactions")
        lines = table_lines(app)
        assert "▼ Date" in lines[0] and "Chinese official" in lines[0] and "Host event" in lines[0]
        for label in ("Agency", "Rank", "Country / org", "Counterpart", "Format", "Place"):
            assert label in lines[0]
        # facet counts equal GROUP BY over the whole table
        assert facet_counts(app, "agency") == grouped(ref, "SELECT cn_agency, count(*) FROM interactions GROUP BY 1")
        assert facet_counts(app, "year") == grouped(
            ref, "SELECT coalesce(CAST(year AS VARCHAR), '(none)'), count(*) FROM interactions GROUP BY 1")


async def test_unit_toggle_switches_rows_to_events(make_app, ref):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        t = table(app)
        assert app.view.unit == "event"
        assert t.total == scalar(ref, "SELECT count(*) FROM events")
        assert app.screen.query_one("#unit-event").has_class("-active")
        assert not app.screen.query_one("#unit-interaction").has_class("-active")
        event_keys = {r[0] for r in ref.execute("SELECT event_key FROM events").fetchall()}
        assert t.row(0)[0] in event_keys
        await pilot.press("u")
        await settle(pilot)
        assert t.total == scalar(ref, "SELECT count(*) FROM interactions")


async def test_facets_or_within_and_across_with_counts_from_other_selections(make_app, ref):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        top2 = [r[0] for r in ref.execute(
            "SELECT counterpart FROM interactions WHERE counterpart IS NOT NULL "
            "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2").fetchall()]
        a, b = top2
        await select_value(pilot, "country", a)
        t = table(app)
        assert t.total == scalar(ref, "SELECT count(*) FROM interactions WHERE counterpart = ?", [a])
        await select_value(pilot, "country", b)
        assert app.view.filters.selected("country") == {a, b}
        assert t.total == scalar(ref, "SELECT count(*) FROM interactions WHERE counterpart IN (?, ?)", [a, b])
        # the country facet still counts every country (its own selection is not applied to itself)
        assert facet_counts(app, "country") == grouped(
            ref, "SELECT coalesce(counterpart, '(none)'), count(*) FROM interactions GROUP BY 1")
        assert {v.value for v in facet(app, "country").values if v.selected} == {a, b}
        # other facets are counted within the selection
        assert facet_counts(app, "official") == grouped(
            ref, "SELECT coalesce(cn_official, '(none)'), count(*) FROM interactions "
            "WHERE counterpart IN (?, ?) GROUP BY 1", [a, b])
        # AND across facets: add a year
        year = str(scalar(ref, "SELECT max(year) FROM interactions WHERE counterpart IN (?, ?)", [a, b]))
        await select_value(pilot, "year", year)
        assert t.total == scalar(
            ref, "SELECT count(*) FROM interactions WHERE counterpart IN (?, ?) AND year = ?", [a, b, int(year)])
        assert facet_counts(app, "country") == grouped(
            ref, "SELECT coalesce(counterpart, '(none)'), count(*) FROM interactions WHERE year = ? GROUP BY 1",
            [int(year)])
        n_evt = scalar(ref, "SELECT count(DISTINCT event_key) FROM interactions "
                            "WHERE counterpart IN (?, ?) AND year = ?", [a, b, int(year)])
        assert app.screen.query_one("#unit").counts["event"] == n_evt
        # the status line names the filters
        status = str(app.screen.query_one("#view-status").render())
        assert a in status and b in status and year in status


async def test_topics_are_counted_one_by_one(make_app, ref):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        expected = grouped(ref, "SELECT t, count(*) FROM (SELECT unnest(topic_list) AS t FROM interactions) GROUP BY 1")
        shown = facet_counts(app, "topic")
        shown.pop("(none)", None)
        assert shown == expected
        topic = max(expected, key=expected.get)
        await select_value(pilot, "topic", topic)
        assert table(app).total == expected[topic]


async def test_clear_one_facet_and_clear_all(make_app, ref):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await select_value(pilot, "agency", "MPS")
        await select_value(pilot, "format", "bilateral")
        t = table(app)
        assert t.total == scalar(ref, "SELECT count(*) FROM interactions WHERE cn_agency='MPS' AND format='bilateral'")
        await focus_facet(pilot, "agency")
        await pilot.press("x")
        await settle(pilot)
        assert app.view.filters.selected("agency") == frozenset()
        assert t.total == scalar(ref, "SELECT count(*) FROM interactions WHERE format='bilateral'")
        await pilot.press("t", "X")
        await settle(pilot)
        assert app.view.filters.selections == () or all(not v for _, v in app.view.filters.selections)
        assert t.total == scalar(ref, "SELECT count(*) FROM interactions")


async def test_facet_order_count_or_alphabetical(make_app, ref):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await focus_facet(pilot, "official")
        counts = [v.count for v in facet(app, "official").values]
        assert counts == sorted(counts, reverse=True)
        await pilot.press("o")
        await settle(pilot)
        values = [v.value for v in facet(app, "official").values]
        assert values == sorted(values, key=str.lower) or values == sorted(values)
        assert facet(app, "official").border_subtitle == "A–Z"


async def test_search_combines_with_facets(make_app, ref):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        term = "fraud"
        haystack = ("lower(concat_ws(' ', cn_official, cn_title, counterpart_name, counterpart_title, "
                    "counterpart_country, counterpart_org, summary, topics, host_event))")
        await pilot.press("slash", *term, "enter")
        await settle(pilot)
        t = table(app)
        assert app.view.filters.search == term
        assert t.total == scalar(ref, f"SELECT count(*) FROM interactions WHERE {haystack} LIKE '%fraud%'")
        assert app.focused is t
        await select_value(pilot, "agency", "MPS")
        assert t.total == scalar(
            ref, f"SELECT count(*) FROM interactions WHERE {haystack} LIKE '%fraud%' AND cn_agency = 'MPS'")


async def test_sort_by_column_uses_the_whole_filtered_set(make_app, ref):
    app = make_app(page_size=20)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        t = table(app)
        # date is the first column and already sorted descending: s reverses it
        assert t.columns[t.cursor_column] == "date"
        await pilot.press("s")
        await settle(pilot)
        assert app.view.sort[0] == ("date", False)
        assert t.row(0)[1] == scalar(ref, "SELECT min(date) FROM interactions")
        assert "▲ Date" in table_lines(app)[0]
        # the last row, fetched on demand, is the other end of the order (undated rows sort last)
        await pilot.press("end")
        await settle(pilot)
        assert t.cursor_row == t.total - 1
        last = t.row(t.total - 1)
        assert last is not None
        n_undated = scalar(ref, "SELECT count(*) FROM interactions WHERE date IS NULL")
        if n_undated:
            assert last[1] is None
        else:
            assert last[1] == scalar(ref, "SELECT max(date) FROM interactions")
        # move to the official column and sort by it
        await pilot.press("home")
        col = t.columns.index("cn_official")
        for _ in range(col - t.cursor_column):
            await pilot.press("right")
        await pilot.press("s")
        await settle(pilot)
        assert app.view.sort[0] == ("cn_official", False)
        assert t.row(0)[col] == scalar(ref, "SELECT min(cn_official) FROM interactions")


async def test_paging_fetches_only_what_is_on_screen(make_app, ref):
    app = make_app(page_size=20)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        t = table(app)
        total = scalar(ref, "SELECT count(*) FROM interactions")
        assert t.total == total
        assert len(t._pages) <= 3  # only the first screenful was fetched
        await pilot.press("pagedown", "pagedown")
        await settle(pilot)
        assert t.cursor_row == 2 * t.data_height
        assert t.row(t.cursor_row) is not None
        ids = {r[0] for r in ref.execute("SELECT interaction_id FROM interactions").fetchall()}
        seen = [r[0] for r in t.visible_rows()]
        assert len(seen) == min(t.data_height, total - int(t.scroll_offset.y))
        assert set(seen) <= ids and len(set(seen)) == len(seen)


async def test_quick_filter_changes_keep_only_the_latest(make_app, ref):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await focus_facet(pilot, "agency")
        await pilot.press("home", "space", "down", "space", "down", "space", "home", "space")  # no waiting between
        await settle(pilot)
        chosen = app.view.filters.selected("agency")
        marks = ",".join("?" * len(chosen)) or "NULL"
        expected = scalar(ref, f"SELECT count(*) FROM interactions WHERE cn_agency IN ({marks})", sorted(chosen))
        assert table(app).total == expected
        assert app.screen.query_one("#unit").counts["interaction"] == expected


async def test_enter_opens_the_record_with_source_and_related_meetings(make_app, ref):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        # pick a record with other interactions in the same event
        row_id, event_key, url = ref.execute(
            "SELECT interaction_id, event_key, source_url FROM interactions WHERE event_key IN "
            "(SELECT event_key FROM interactions GROUP BY 1 HAVING count(*) > 1) ORDER BY date DESC LIMIT 1").fetchone()
        app.open_record(row_id)
        await settle(pilot)
        from gsi_explorer.tui.screens.detail import DetailScreen

        screen = app.screen
        assert isinstance(screen, DetailScreen)
        assert screen.detail.record["interaction_id"] == row_id
        same_event = screen.query_one("#same-event")
        assert same_event.row_count == scalar(ref, "SELECT count(*) FROM interactions WHERE event_key = ?",
                                              [event_key]) - 1
        assert url in str(screen.query_one("#detail-source").render()) or url in screen.url
        await pilot.press("y")
        assert app.clipboard == url
        await pilot.press("escape")
        await settle(pilot)
        # Enter on the table opens the highlighted row
        t = table(app)
        await pilot.press("t", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.row_id == t.current_row_id()


async def test_help_palette_and_quit(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        from gsi_explorer.tui.screens.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for title in ("Search", "Unit", "Facets", "Clear all", "Charts", "Export", "SQL", "View spec", "Ask", "Help",
                      "Open", "Sort", "Quit"):
            assert title in titles, title
        # the palette runs an action: Unit
        cmd = next(c for c in app.get_system_commands(app.screen) if c.title == "Unit")
        await cmd.callback()
        await settle(pilot)
        assert app.view.unit == "event"
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running


async def test_ctrl_q_quits(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not app.is_running


async def test_ask_key_opens_the_ask_screen_with_the_view(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await select_value(pilot, "agency", "MPS")
        await pilot.press("t", "a")
        await pilot.pause(0.2)
        from gsi_explorer.tui.screens.ask import AskScreen

        assert isinstance(app.screen, AskScreen)
        assert app.screen.view == app.view
        assert app.screen.view.filters.selected("agency") == {"MPS"}


class CountingStore:
    """The real store, counting the calls the app makes (to see which states come from the cache)."""

    def __init__(self, store) -> None:
        self._store = store
        self.calls: dict[str, int] = {}

    def __getattr__(self, name):
        attr = getattr(self._store, name)
        if not callable(attr):
            return attr

        def counted(*args, **kwargs):
            self.calls[name] = self.calls.get(name, 0) + 1
            return attr(*args, **kwargs)

        return counted


async def test_returning_to_a_previous_state_reuses_results(make_app, store, ref):
    counting = CountingStore(store)
    app = make_app(db_store=counting)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        first = dict(counting.calls)
        await select_value(pilot, "agency", "MSS")
        after_select = dict(counting.calls)
        assert after_select["facet_counts"] > first["facet_counts"]
        await pilot.press("space")  # unselect: back to the first state
        await settle(pilot)
        assert counting.calls == after_select  # nothing was asked of the database again
        assert table(app).total == scalar(ref, "SELECT count(*) FROM interactions")
        assert facet_counts(app, "agency") == grouped(ref, "SELECT cn_agency, count(*) FROM interactions GROUP BY 1")


async def test_sort_follows_the_unit(make_app, ref):
    from gsi_explorer.data.query import View

    app = make_app(view=View(sort=(("cn_official", False),)))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        t = table(app)
        assert app.view.sort == (("cn_lead", False),)
        assert "▲ Chinese" in table_lines(app)[0]
        assert t.row(0)[t.columns.index("cn_lead")] == scalar(ref, "SELECT min(cn_lead) FROM events")


async def test_narrow_terminal_scrolls_columns_with_the_cursor(make_app):
    app = make_app()
    async with app.run_test(size=(90, 28)) as pilot:
        await settle(pilot)
        t = table(app)
        header = table_lines(app)[0]
        assert "Date" in header and "Host event" not in header  # not everything fits
        host = t.columns.index("host_event")
        for _ in range(host - t.cursor_column):
            await pilot.press("right")
        await pilot.pause()
        header = table_lines(app)[0]
        assert "Host event" in header and "Date" in header  # the first column stays in view
        assert "Chinese official" not in header

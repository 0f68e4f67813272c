"""The weeks strip (regime/_macros.html), on the home card, the hearing and the phone's first paint:
a square per week for the eye, one line naming the weeks with a day for screen readers."""

from __future__ import annotations

import re
from datetime import date

from flask import render_template_string

from server.regime.sql import week_number
from server.regime.standing import weeks_of

STRIP = '{% from "regime/_macros.html" import weeks_strip %}{{ weeks_strip(weeks, "w") }}'


def _strip(app, weeks) -> str:
    with app.test_request_context("/"):
        return render_template_string(STRIP, weeks=weeks)


def test_a_square_per_week_and_one_line_naming_the_weeks_with_a_day(app):
    # the weeks of 2026 up to 31 December; days on Tuesday 6 January and Friday 20 March
    active = {week_number(date(2026, 1, 6)), week_number(date(2026, 3, 20))}
    html = _strip(app, weeks_of(2026, date(2026, 12, 31), active))
    strip = html.split('<ol class="weeks-strip"', 1)[1].split("</ol>", 1)[0]
    assert 'aria-hidden="true"' in strip  # the squares are for the eye only
    assert 'data-weeks-active="2"' in strip and 'data-weeks-total="53"' in strip
    squares = re.findall(r"<li[^>]*></li>", strip)
    assert len(squares) == 53 and len(re.findall(r'class="on"', strip)) == 2
    assert squares[0] == '<li title="01/01/2026"></li>'  # the year's first week starts on 1 January
    assert squares[1] == '<li class="on" title="05/01/2026"></li>'  # its Monday, with a day
    (line,) = re.findall(r'<p class="visually-hidden" data-weeks-list>(.*?)</p>', html)
    assert line == "Các tuần có ngày đi cơ sở, theo ngày đầu tuần: 05/01/2026, 16/03/2026"
    assert "Số tuần có ngày đi cơ sở: 2 trên 53 tuần đã qua" in html


def test_no_line_for_screen_readers_when_no_week_had_a_day(app):
    html = _strip(app, weeks_of(2026, date(2026, 12, 31), set()))
    assert "data-weeks-list" not in html and 'class="on"' not in html
    assert "Số tuần có ngày đi cơ sở: 0 trên 53 tuần đã qua" in html


def test_a_year_of_squares_stays_small(app):
    """A December hearing holds 25 of these: words for each week made its page 220 KB (issue #20:
    under 200 KB). Caption, line and squares stay under 3.5 KB with a day in every week (they were
    4.9 KB), and under 2 KB with a few."""
    every_week = {week_number(date(2026, 1, 6)) + n for n in range(53)}
    assert len(_strip(app, weeks_of(2026, date(2026, 12, 31), every_week)).encode()) < 3584
    few = {week_number(date(2026, 1, 6)) + n for n in range(0, 53, 10)}
    assert len(_strip(app, weeks_of(2026, date(2026, 12, 31), few)).encode()) < 2048

"""Long commands show progress on a terminal and stay quiet in logs and CI."""

from __future__ import annotations

import io

from devtools.progress import progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_counts_and_the_final_total() -> None:
    terminal = Terminal()
    with progress("Seeding posts", 2_000, terminal) as shown:
        for _ in range(4):
            shown.advance(500)

    assert terminal.getvalue().endswith("\rSeeding posts: 2,000 / 2,000 (100%)\n")


def test_without_a_total_it_counts() -> None:
    terminal = Terminal()
    with progress("Migrating items", stream=terminal) as shown:
        shown.advance(3)

    assert terminal.getvalue().endswith("Migrating items: 3\n")


def test_nothing_is_written_when_not_a_terminal() -> None:
    log = io.StringIO()
    with progress("Seeding posts", 10, log) as shown:
        shown.advance(10)

    assert (log.getvalue(), shown.done) == ("", 10)


def test_a_step_is_shown_after_the_count_and_a_shorter_line_blanks_the_longer_one() -> None:
    terminal = Terminal()
    with progress("Backup drill: tables checked", 3, terminal) as shown:
        shown.show("waiting for the restore of AppTable (0:00:20 so far)")
        shown.advance()
        shown.show("done")

    lines = terminal.getvalue().split("\r")
    waiting = "waiting for the restore of AppTable (0:00:20 so far)"
    assert lines[1] == f"Backup drill: tables checked: 0 / 3 (0%), {waiting}"
    final = lines[-1]
    assert final.rstrip() == "Backup drill: tables checked: 1 / 3 (33%), done"
    assert len(final) == len(lines[1]) + 1  # blanked to the longest line, then the newline


def test_a_step_is_not_shown_when_not_a_terminal() -> None:
    log = io.StringIO()
    with progress("Backup drill: tables checked", 3, log) as shown:
        shown.show("verifying AppTable-drill-1")

    assert (log.getvalue(), shown.detail) == ("", "verifying AppTable-drill-1")

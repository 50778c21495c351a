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

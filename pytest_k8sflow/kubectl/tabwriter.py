"""Go's text/tabwriter column layout, as kubectl configures it.

kubectl (cli-runtime pkg/printers/tabwriter.go GetNewTabWriter) writes tables through
``tabwriter.NewWriter(out, minwidth=6, tabwidth=4, padding=3, padchar=' ', flags=0)``
(github.com/liggitt/tabwriter, a fork of text/tabwriter whose only addition,
RememberWidths, matters only across flushes). ``rollout history`` uses
``Init(buf, 0, 8, 2, ' ', 0)`` (polymorphichelpers/history.go tabbedString).

The text is split into cells by tabs; a cell is *tab-terminated*; the last cell of a line
is not part of any column. Consecutive lines that have a cell in column k form a column
block whose width is max(cell width + padding, minwidth); blocks are nested exactly as in
Go's ``Writer.format``. Cell width counts runes (utf8.RuneCount), not bytes.
"""

from __future__ import annotations

KUBECTL_MINWIDTH = 6
KUBECTL_TABWIDTH = 4
KUBECTL_PADDING = 3


def format_columns(text: str, *, minwidth: int = KUBECTL_MINWIDTH, padding: int = KUBECTL_PADDING,
                   padchar: str = " ") -> str:
    """Lay out tab-separated ``text`` the way Go's tabwriter does on Flush.

    ``text`` is what the Go code writes into the tabwriter; the result is what reaches the
    output. Only the flags kubectl uses (none) are modelled: no AlignRight, no
    DiscardEmptyColumns, no escapes, spaces as padding.
    """
    raw_lines = text.split("\n")
    # the text after the last newline is an unterminated line; Flush still writes it
    lines: list[list[str]] = [line.split("\t") for line in raw_lines]
    out: list[str] = []
    widths: list[int] = []

    def write_lines(line0: int, line1: int) -> None:
        for i in range(line0, line1):
            cells = lines[i]
            parts: list[str] = []
            for j, cell in enumerate(cells):
                parts.append(cell)
                # every cell inside a column block is padded to the block's width; the
                # last cell of a line never is (it belongs to no column)
                if j < len(widths):
                    parts.append(padchar * (widths[j] - len(cell)))
            out.append("".join(parts))

    def fmt(line0: int, line1: int) -> None:
        column = len(widths)
        this = line0
        while this < line1:
            if column >= len(lines[this]) - 1:
                this += 1
                continue
            # a cell exists in this column: print the lines before the block first
            write_lines(line0, this)
            line0 = this
            width = minwidth
            while this < line1 and column < len(lines[this]) - 1:
                w = len(lines[this][column]) + padding
                width = max(width, w)
                this += 1
            widths.append(width)
            fmt(line0, this)
            widths.pop()
            line0 = this
        write_lines(line0, line1)

    fmt(0, len(lines))
    return "\n".join(out)

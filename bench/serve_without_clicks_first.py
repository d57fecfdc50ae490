"""serve.py with whole-page runs taking turns, but not giving way to the clicks in
progress (``turns.ClicksFirst``): the middle of ``make burst``'s comparison."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import serve  # noqa: E402
from workbook.ui import turns  # noqa: E402

turns.clicks_first = lambda *args, **kwargs: None

if __name__ == "__main__":
    sys.exit(serve.main())

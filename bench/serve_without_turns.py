"""serve.py with whole-page runs sharing the interpreter as Streamlit runs them,
without workbook/ui/turns.py (neither the turns nor clicks first): one side of
``make burst``'s comparison."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import serve  # noqa: E402
from workbook.ui import turns  # noqa: E402

turns.take_turns = lambda *args, **kwargs: None
turns.clicks_first = lambda *args, **kwargs: None

if __name__ == "__main__":
    sys.exit(serve.main())

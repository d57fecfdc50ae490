"""Start the app (``make run`` calls this): ``python serve.py [streamlit options]``.

Why not plain ``streamlit run app.py``: with a folder named ``pages/`` beside the entry
file, Streamlit 1.67 runs the very first request of a fresh server in its old
multipage mode, so a deep link such as ``/account`` would run that page file alone,
without ``app.py`` (no idle lock, no "Get help now" link, and a "Page not found"
pop-up). Every page here is registered by ``st.navigation`` in ``app.py``, so we tell
Streamlit so before the server starts.
"""

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

if __name__ == "__main__":
    PagesManager.uses_pages_directory = False
    app = str(Path(__file__).resolve().parent / "app.py")
    sys.argv = ["streamlit", "run", app, *sys.argv[1:]]
    sys.exit(cli.main())

"""The couples workbook: everything that is not page layout.

Pages in ``pages/`` call into this package; it never imports Streamlit, except in
``workbook.ui``, the few widgets the pages share.
"""

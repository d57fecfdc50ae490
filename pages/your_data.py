"""Your data: downloads, passphrase, recovery key, backup and deleting."""

from workbook import ui

ui.render_your_data()

"""Reading and writing the office's supervision table (.xlsx and .csv).

Import from the submodules (``bot.sheets.reader``, ``bot.sheets.writer``): both load
openpyxl, which the bot's own process leaves to its builder process. How every workbook
the bot makes looks and prints is decided in one place, ``bot.sheets.print_style``.
"""

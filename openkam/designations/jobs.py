"""Background job kinds of this app (imported from AppConfig.ready).

There are none: the proposal and review lists are short, so their XLSX and CSV exports are
written while the request waits (``exports.py``).
"""

"""One module per command; each is registered in partwatch/cli.py with one line in COMMANDS."""

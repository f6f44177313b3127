"""partwatch: the command line and config loading; wires feeds -> store -> tracking -> tui/export."""

__version__ = "0.1.0"

"""fabshare: an open platform for sharing industrial capacity in a regional network."""

__version__ = "0.1.0"

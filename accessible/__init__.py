"""accessible: co-production in care homes, heard, seen and answered by everyone."""

__version__ = "0.1.0"

"""mockloop: timed mock-interview loops for AI-lab interview tracks."""

__version__ = "0.1.0"

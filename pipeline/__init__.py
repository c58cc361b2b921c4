"""Segment Chinese documents into paragraphs and label each body paragraph with its theme.

The stages are plain functions in :mod:`pipeline.stages`; the command line is :mod:`pipeline.cli`.
"""

__version__ = "0.1.0"

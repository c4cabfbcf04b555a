"""Test and demo support: the simulated newsroom (``redline.testing.newsroom``)."""

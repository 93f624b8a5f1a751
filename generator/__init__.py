"""Bending space: a static-site generator for an explainer on how neural networks bend space."""

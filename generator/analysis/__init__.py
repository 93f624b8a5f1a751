"""Numbers measured from runs: claims, no plotting."""

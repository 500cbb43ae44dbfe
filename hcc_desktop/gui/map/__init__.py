"""Pieces of the member map: basemap items (layers) and marker styling (style)."""

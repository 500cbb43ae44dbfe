"""One module per dock panel; each follows gui.panels.base.Panel."""

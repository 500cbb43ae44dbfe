"""Edit forms and other dialogs."""

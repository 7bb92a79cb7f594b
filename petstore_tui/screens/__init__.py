"""The app's screens, one a module, and its dialogs apart."""

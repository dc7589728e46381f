"""Who said what: voices, channels and the words they own."""

"""The card: the checked plan rendered through the theme into one self-contained HTML file."""

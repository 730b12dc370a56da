"""Publishing: where this actionplan came from, and the files that publish it from a git host."""

"""The fictional demo board: its plan file and what the seed adds to it."""

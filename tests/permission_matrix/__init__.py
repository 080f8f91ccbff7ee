"""The permission matrix discovered from the URLconf (issue 7): world, snapshot, URL discovery, expectations."""

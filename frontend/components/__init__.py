"""Small pure functions that turn state vars into components."""

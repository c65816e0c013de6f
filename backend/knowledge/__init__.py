"""Knowledge base: parse files, chunk, embed, index and search them."""

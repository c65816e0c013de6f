"""Knowledge base: parse files, chunk, embed, index and search them."""

import os

# PyTorch and FAISS each bring an OpenMP runtime whose idle threads, by default, spin: on a
# small machine they take the cores from each other and from the rest of the app (bench/
# search.py: dense search p95 at 100k chunks 1244 ms spinning, 101 ms passive). The runtime
# reads this once when it loads, and faiss loads with this package, so it is set here.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

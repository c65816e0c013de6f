"""What run.py needs to start the UI server: a JavaScript toolchain and a supervised child."""

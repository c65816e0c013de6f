"""Start AgentDesk: the web interface and the API on one local port, then open the browser.

    python run.py                 # build if needed, serve, open the browser
    python run.py --no-browser    # serve only
    python run.py --port 9000     # preferred port (another free one is used if it is taken)
    python run.py --dev           # hot reload while editing the code (two ports)
    python run.py --ui-dir DIR    # serve a prebuilt UI from this process, as the desktop app does

Ctrl+C (or Quit in the page) stops the server and everything it started. The desktop app is
this file frozen by PyInstaller (build.spec): it always serves its bundled UI in-process.
Start-up itself lives in ``backend/startup``; this file and the desktop app call its ``main``.
"""

import sys

from backend.startup.launch import main

if __name__ == "__main__":
    sys.exit(main())

import sys

from simulator.cli import main

if __name__ == "__main__":  # workers re-import the main module (forkserver): never run it there
    sys.exit(main())

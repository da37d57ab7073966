import sys

from simulator.cli import main
from simulator.pool import use_fork

if __name__ == "__main__":  # never run in a worker
    # The command line holds no sockets and no threads when its workers start: they are
    # forked from it, with the model imported (simulator.pool.use_fork).
    use_fork()
    sys.exit(main())

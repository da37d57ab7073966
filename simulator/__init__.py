"""jeugdzorg-sim: a discrete-event scenario simulator for Dutch youth-care chains.

Kept light on purpose: importing the package must not pull in pandas or SimPy, so
the command line starts fast. Import the submodules you need.
"""

__version__ = "0.1.0"

"""The lexicons as data files (actors, escalation terms).

Their folder is found from this module, which is never compiled: in a mypyc-compiled module
``__file__`` names the group's shared library, not the module's own source.
"""

from pathlib import Path

LEXICON_DIR = Path(__file__).resolve().parent

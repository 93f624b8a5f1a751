import sys

from .threads import pin_environment

pin_environment()  # before numpy, scipy, scikit-learn or torch loads (generator/threads.py)

from .cli import main  # noqa: E402

sys.exit(main())

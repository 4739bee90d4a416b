import sys

from graderd.cli import main

sys.exit(main())

import sys

from explorer.serve.cli import main

sys.exit(main())

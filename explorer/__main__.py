import sys

try:  # Ctrl-C while numpy and the rest load is one line too, never a traceback
    from explorer.serve.cli import main
except KeyboardInterrupt:
    print("python -m explorer: interrupted", file=sys.stderr)
    sys.exit(130)

sys.exit(main())

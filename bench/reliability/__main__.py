"""`python -m bench.reliability ...` is `python -m bench reliability ...`."""

from . import main

if __name__ == "__main__":
    main()

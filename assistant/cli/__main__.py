"""``python -m assistant.cli``: the ``smp-guide`` command without an installed script."""

from assistant.cli._app import main

if __name__ == "__main__":  # guarded: tools that import every module must not run the CLI
    main()
